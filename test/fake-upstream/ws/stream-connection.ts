import type { AppDeps } from '../app-deps.js';
import type { Silenceable } from '../faults.js';
import type { TurnListener } from '../tasks/task-runtime.js';
import type { TaskRecord } from '../types.js';
import { errorFrame, makeFrame, type WireFrame } from '../wire/frames.js';
import { mergeReplayChunks } from '../wire/merge-replay.js';
import { decodeQuestionReply, decodeUserInputText, type InboundFrame } from '../wire/inbound.js';
import type { FrameSocket } from './frame-socket.js';

/** `waiting-input`: mode=new before the first user-input; `done`: after task-ended, pings stopped. */
type Phase = 'waiting-input' | 'streaming' | 'done';

/** True when the task has a VM to stream from (docs/monkeycode-protocol.md §5.5: otherwise `error` + close). */
export function hasVm(task: TaskRecord): boolean {
  return task.status === 'processing' && (task.vmStatus === 'online' || task.vmStatus === 'hibernated');
}

/** One `/users/tasks/stream` socket: mode=new / mode=attach semantics of docs/monkeycode-protocol.md §5.5. */
export class StreamConnection implements TurnListener, Silenceable {
  private phase: Phase = 'waiting-input';
  /** Task status/VM watchers, dropped at close. */
  private readonly cleanups: (() => void)[] = [];
  /** Live-stream subscriptions, dropped when the stream stops (task-ended). */
  private readonly subscriptions: (() => void)[] = [];

  constructor(
    private readonly sock: FrameSocket,
    private readonly task: TaskRecord,
    private readonly mode: 'new' | 'attach',
    /** Only the owner's frames act (SRC `writable`). */
    private readonly writable: boolean,
    private readonly deps: AppDeps,
  ) {}

  /** Runs right after the upgrade. */
  start(): void {
    this.sock.startPings();
    if (!hasVm(this.task)) {
      this.sock.send(errorFrame('no virtual machine or host for task'));
      this.sock.close(1000);
      return;
    }
    const { events } = this.deps;
    this.cleanups.push(
      events.on('task-status', (e) => {
        if (e.taskId === this.task.id && (e.status === 'finished' || e.status === 'error'))
          this.sock.close(1000);
      }),
      events.on('vm-status', (e) => {
        if (e.taskId === this.task.id && e.status === 'hibernated') this.sock.close(1000);
      }),
    );
    if (this.mode === 'attach') this.attach();
  }

  /** Socket closed: drop subscriptions. */
  dispose(): void {
    for (const c of this.subscriptions.splice(0)) c();
    for (const c of this.cleanups.splice(0)) c();
  }

  /** Live frame from the task runtime. */
  frame(frame: WireFrame): void {
    if (this.phase !== 'streaming') return;
    this.sock.send(frame);
    if (frame.type === 'task-ended') this.finish();
  }

  /** The agent stalled: go silent. */
  stall(): void {
    this.sock.silence();
  }

  /** Fault hook: go silent. */
  silence(): void {
    this.sock.silence();
  }

  /** An inbound frame that unmarshalled (dropped ones never get here). */
  handle(frame: InboundFrame): void {
    const wasDone = this.phase === 'done';
    if (this.writable) this.act(frame);
    // SRC's read loop notices the cancelled stream only after the next read (docs/monkeycode-protocol.md §5.5).
    if (wasDone) this.sock.close(1000);
  }

  private attach(): void {
    const runtime = this.deps.tasks.runtime(this.task);
    this.phase = 'streaming';
    if (this.task.turns.length > 1) {
      const cursor = String(this.task.turns.length);
      this.sock.send(
        makeFrame({
          type: 'cursor',
          data: Buffer.from(JSON.stringify({ cursor, has_more: true })).toString('base64'),
        }),
      );
    }
    const { replay, turn, unsubscribe } = runtime.attach(this);
    this.subscriptions.push(unsubscribe);
    for (const f of this.deps.options.mergeReplayChunks ? mergeReplayChunks(replay) : replay) {
      if (this.phase !== 'streaming') return;
      this.sock.send(f);
    }
    if (turn === undefined || turn.state !== 'running') this.finish();
  }

  private finish(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.sock.stopPings();
    for (const c of this.subscriptions.splice(0)) c();
    if (this.deps.options.closeAfterTurn === 'close1000') this.sock.close(1000);
  }

  private act(frame: InboundFrame): void {
    const runtime = this.deps.tasks.runtime(this.task);
    switch (frame.type) {
      case 'user-input':
        this.userInput(frame);
        break;
      case 'user-stop':
        this.deps.tasks.stop(this.task);
        break;
      case 'user-cancel':
        runtime.cancelCurrent();
        break;
      case 'auto-approve':
      case 'disable-auto-approve':
        this.task.autoApprove = frame.type === 'auto-approve';
        break;
      case 'reply-question': {
        const reply = decodeQuestionReply(frame.data);
        if (reply !== null && frame.data !== null) runtime.answer(reply, frame.data.toString('base64'));
        break;
      }
      default:
        break;
    }
  }

  private userInput(frame: InboundFrame): void {
    if (frame.data === null) return;
    const runtime = this.deps.tasks.runtime(this.task);
    const echo = makeFrame({ type: 'user-input', data: frame.data.toString('base64') });
    const first = this.mode === 'new' && this.phase === 'waiting-input';
    if (first) {
      if (this.task.vmStatus === 'hibernated') {
        // Hosted is suspected to refuse input while the VM sleeps (docs/monkeycode-protocol.md §5.5, §12.4).
        this.sock.close(1000);
        return;
      }
      this.phase = 'streaming';
      this.subscriptions.push(runtime.subscribe(this));
      this.sock.send(echo);
    }
    const text = decodeUserInputText(frame.data);
    if (text === null || text.trim() === '' || this.task.vmStatus !== 'online') return;
    runtime.continueWith(text, echo, first ? this : undefined);
  }
}
