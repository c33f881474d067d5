import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, AgentStep } from '../agent/agent-types.js';
import { ended, taskError } from '../agent/agent-steps.js';
import type { FakeEvents } from '../events.js';
import type { TaskRecord, TurnRecord } from '../types.js';
import { b64json } from '../wire/base64.js';
import { makeFrame, type WireFrame } from '../wire/frames.js';
import type { QuestionReply } from '../wire/inbound.js';
import { accumulateOutput, billedTokens, type TurnOutput } from './turn-stats.js';

/** A socket watching the task's live stream. */
export interface TurnListener {
  frame(frame: WireFrame): void;
  /** The agent stalled: the socket must go silent, pings included. */
  stall(): void;
}

/** Dependencies of a runtime. */
export interface RuntimeDeps {
  events: FakeEvents;
  /** The agent for the next turn (one-shot fault overrides first). */
  pickAgent: () => Agent;
  modelName: string;
}

class TurnAborted extends Error {}

/**
 * The "VM + agent" of one task: runs turns one at a time (later inputs queue), logs their frames
 * (the log store that `attach` replays) and fans them out to live listeners.
 */
export class TaskRuntime {
  private readonly listeners = new Set<TurnListener>();
  private readonly queue: { prompt: string; input: WireFrame; origin: TurnListener | undefined }[] = [];
  private current: {
    turn: TurnRecord;
    abort: AbortController;
    output: TurnOutput;
    explicitUsage: boolean;
  } | null = null;
  private pendingAsk: {
    toolCallId: string;
    resolve: (reply: { reply: QuestionReply; raw: string }) => void;
  } | null = null;
  private seq = 0;

  constructor(
    private readonly task: TaskRecord,
    private readonly deps: RuntimeDeps,
  ) {}

  /** True while a turn is running (not ended/aborted). */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Subscribes to live frames; returns the unsubscribe function. */
  subscribe(listener: TurnListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Atomically snapshots the latest turn for replay and, when it is still running, subscribes
   * `listener` to the rest (no gap, no duplicate).
   */
  attach(listener: TurnListener): {
    replay: WireFrame[];
    turn: TurnRecord | undefined;
    unsubscribe: () => void;
  } {
    const turn = this.task.turns.at(-1);
    const replay = turn === undefined ? [] : turn.frames.map((f) => f.frame);
    const live = turn !== undefined && turn.state === 'running';
    return { replay, turn, unsubscribe: live ? this.subscribe(listener) : () => undefined };
  }

  /** SRC `Continue`: pushes a prompt; starts a turn now or after the running one. */
  continueWith(prompt: string, input: WireFrame, origin?: TurnListener): void {
    this.queue.push({ prompt, input, origin });
    this.pump();
  }

  /** Delivers a `reply-question`; true when it answered the pending question. */
  answer(reply: QuestionReply, raw: string): boolean {
    const pending = this.pendingAsk;
    if (pending === null || pending.toolCallId !== reply.request_id) return false;
    this.pendingAsk = null;
    pending.resolve({ reply, raw });
    return true;
  }

  /** `user-cancel`: the current operation ends (`user-cancel` + `task-ended` are logged). */
  cancelCurrent(): void {
    const cur = this.current;
    if (cur === null) return;
    this.pendingAsk = null;
    this.emit(cur.turn, makeFrame({ type: 'user-cancel' }), true);
    cur.abort.abort();
    this.finishTurn('ended', makeFrame({ type: 'task-ended', kind: 'acp_event' }));
  }

  /** Stop/hibernate/close: abort the running turn silently and drop queued inputs. */
  abortAll(): void {
    this.queue.length = 0;
    this.pendingAsk = null;
    const cur = this.current;
    if (cur === null) return;
    cur.abort.abort();
    this.finishTurn('aborted');
  }

  private pump(): void {
    if (this.current !== null) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    const turn: TurnRecord = {
      number: this.task.turns.length + 1,
      prompt: next.prompt,
      frames: [],
      state: 'running',
    };
    this.task.turns.push(turn);
    const abort = new AbortController();
    this.current = { turn, abort, output: { chars: 0, toolCalls: 0 }, explicitUsage: false };
    this.emit(turn, next.input, true, next.origin);
    this.deps.events.emit('turn-started', { taskId: this.task.id, turn: turn.number });
    void this.run(turn, next.prompt, abort.signal);
  }

  private async run(turn: TurnRecord, prompt: string, signal: AbortSignal): Promise<void> {
    const ctx = {
      taskId: this.task.id,
      turn: turn.number,
      prompt,
      userId: this.task.userId,
      modelName: this.deps.modelName,
      systemPrompt: this.task.systemPrompt,
    };
    let steps: AgentStep[];
    try {
      steps = await this.deps.pickAgent()(ctx);
    } catch (err) {
      steps = [taskError(err instanceof Error ? err.message : String(err)), ended()];
    }
    try {
      await this.execute(turn, steps, signal);
    } catch (err) {
      if (err instanceof TurnAborted || signal.aborted || turn.state !== 'running') return;
      // A broken script surfaces as an agent-side error rather than crashing the fake.
      await this.execute(
        turn,
        [taskError(err instanceof Error ? err.message : String(err)), ended()],
        signal,
      ).catch(() => undefined);
    }
  }

  private async execute(turn: TurnRecord, steps: readonly AgentStep[], signal: AbortSignal): Promise<void> {
    for (const step of steps) {
      if (signal.aborted || turn.state !== 'running') throw new TurnAborted();
      switch (step.kind) {
        case 'emit': {
          const seq = step.seq ?? (step.type === 'task-running' ? this.seq + 1 : undefined);
          if (seq !== undefined) this.seq = Math.max(this.seq, seq);
          const frame = makeFrame({
            type: step.type,
            kind: step.frameKind,
            data: step.data,
            ...(seq === undefined ? {} : { seq }),
          });
          if (step.type === 'task-ended') {
            this.finishTurn('ended', frame);
            return;
          }
          this.emit(turn, frame, step.persist ?? true);
          break;
        }
        case 'ask': {
          const answered = this.waitForAnswer(step.toolCallId, signal);
          const seq = step.seq ?? this.seq + 1;
          this.seq = Math.max(this.seq, seq);
          this.emit(
            turn,
            makeFrame({ type: 'task-running', kind: 'acp_ask_user_question', data: step.data, seq }),
            true,
          );
          this.deps.events.emit('question-asked', { taskId: this.task.id, toolCallId: step.toolCallId });
          const { reply, raw } = await answered;
          this.emit(turn, makeFrame({ type: 'reply-question', data: raw }), true);
          if (step.then !== undefined) await this.execute(turn, step.then(reply), signal);
          if (turn.state !== 'running') return;
          break;
        }
        case 'delay':
          await sleep(step.ms, undefined, { signal }).catch(() => undefined);
          break;
        case 'usage':
          this.addStats(step.inputTokens, step.outputTokens, step.llmRequests);
          if (this.current !== null) this.current.explicitUsage = true;
          break;
        case 'stall':
          for (const l of [...this.listeners]) l.stall();
          await this.forever(signal);
          break;
        case 'hang':
          await this.forever(signal);
          break;
      }
    }
  }

  private waitForAnswer(
    toolCallId: string,
    signal: AbortSignal,
  ): Promise<{ reply: QuestionReply; raw: string }> {
    return new Promise((resolve, reject) => {
      this.pendingAsk = { toolCallId, resolve };
      signal.addEventListener('abort', () => reject(new TurnAborted()), { once: true });
    });
  }

  private forever(signal: AbortSignal): Promise<void> {
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new TurnAborted()), { once: true });
    });
  }

  private emit(turn: TurnRecord, frame: WireFrame, persist: boolean, except?: TurnListener): void {
    if (persist) {
      const ns = BigInt(frame.timestamp) * 1_000_000n + BigInt(turn.frames.length % 1_000_000);
      turn.frames.push({ frame, timestampNs: ns });
    }
    if (this.current !== null) accumulateOutput(this.current.output, frame);
    this.task.lastActiveAt = Math.floor(Date.now() / 1000);
    this.deps.events.emit('turn-frame', { taskId: this.task.id, turn: turn.number, frame, logged: persist });
    for (const l of [...this.listeners]) if (l !== except) l.frame(frame);
  }

  /** Ends the current turn; a normal end logs and sends `endFrame` (the `task-ended` frame). */
  private finishTurn(state: 'ended' | 'aborted', endFrame?: WireFrame): void {
    const cur = this.current;
    if (cur === null) return;
    if (state === 'ended' && endFrame !== undefined) this.emit(cur.turn, endFrame, true);
    if (state === 'ended' && !cur.explicitUsage) {
      this.addStats(
        200 + billedTokens(cur.turn.prompt.length),
        billedTokens(cur.output.chars),
        1 + cur.output.toolCalls,
      );
    }
    cur.turn.state = state;
    this.current = null;
    this.deps.events.emit('turn-ended', { taskId: this.task.id, turn: cur.turn.number, state });
    if (state === 'ended') this.pump();
  }

  private addStats(input: number, output: number, requests: number): void {
    this.task.stats.inputTokens += input;
    this.task.stats.outputTokens += output;
    this.task.stats.llmRequests += requests;
  }
}

/** Builds the synthetic/echoed `user-input` frame for a prompt text (double base64, docs/monkeycode-protocol.md §5.3). */
export function userInputFrame(text: string, timestamp?: number): WireFrame {
  const content = Buffer.from(text, 'utf8').toString('base64');
  return makeFrame({
    type: 'user-input',
    data: b64json({ content, attachments: [] }),
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}
