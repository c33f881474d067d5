import type { RequestTrace } from '../util/request-trace.js';
import type { KeptTask, ResumePlan, TurnPlan } from '../pool/pooled-turn.js';
import type { UpstreamEvent } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { Binding, BindingStore } from './bindings.js';

/** Where bindings live: SQLite (`durable`) or memory only (`memory`). */
export type Durability = 'durable' | 'memory';

/** What the request lets relaypool keep after its turn: a binding where, or nothing at all. */
export type Retention = Durability | 'none';

/** One request's turn, in conversation terms (built by a route). */
export interface ConversationTurn {
  route: string;
  /** The client key's hash; bindings never cross it. */
  clientKeyHash: string | null;
  upstreamModel: string;
  systemPrompt: string | null;
  /** The whole conversation rendered: a new task's `content` (and the replay when a kept task is gone). */
  content: string;
  /** The point this request continues from and the text of its new turn; null for a new conversation. */
  from: { key: string; text: string; bindings: Durability } | null;
  retain: Retention;
  /** The key the conversation continues under after this turn, from the turn's answer. */
  nextKey: (answer: string) => string;
  /** The first turn for a warm task (system prompt inlined); only called when warm tasks are on. */
  warmText: () => string;
  /** The request's trace for its access log line. */
  trace?: RequestTrace | null;
}

/** What the service is built from. */
export interface ConversationServiceDeps {
  runPooledTurn: (plan: TurnPlan, signal: AbortSignal) => AsyncIterable<UpstreamEvent>;
  bindings: Readonly<Record<Durability, BindingStore>>;
  /** `conversations.idleTtlMs`; 0 keeps no task after its turn. */
  idleTtlMs: number;
  /** Whether warm tasks are configured (`warm.size` > 0). */
  warm: boolean;
  /** The platform's limit on one follow-up turn's text. */
  fitsFollowUp: (text: string) => boolean;
  logger: Logger;
}

/**
 * Conversation continuity (docs/architecture.md §3 step 3): a request that extends a conversation relaypool
 * answered before runs one new turn on the task that holds it while that task is idle; a new
 * conversation may start on a warm task; everything else (and every fallback) starts a new task
 * with the whole conversation. After a successful turn the task is kept idle and bound to the key
 * the next request will present — unless the request retains nothing.
 */
export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps) {}

  /**
   * Run the turn; events as `runPooledTurn` yields them. A turn that continues nothing needs no
   * binding lookup and runs without a generator layer of its own (one fewer hop per event).
   */
  run(turn: ConversationTurn, signal: AbortSignal): AsyncIterable<UpstreamEvent> {
    if (turn.from === null) return this.deps.runPooledTurn(this.#plan(turn, null), signal);
    return this.#continue(turn, turn.from, signal);
  }

  async *#continue(
    turn: ConversationTurn,
    from: NonNullable<ConversationTurn['from']>,
    signal: AbortSignal,
  ): AsyncGenerator<UpstreamEvent> {
    const found = await this.#find(turn.clientKeyHash, from.key, from.bindings);
    yield* this.deps.runPooledTurn(this.#plan(turn, found), signal);
  }

  #plan(turn: ConversationTurn, found: Binding | null): TurnPlan {
    return {
      route: turn.route,
      upstreamModel: turn.upstreamModel,
      content: turn.content,
      systemPrompt: turn.systemPrompt,
      clientKeyHash: turn.clientKeyHash,
      trace: turn.trace ?? null,
      resume: this.#resumePlan(turn, found?.taskRowId ?? null),
      keep: this.#keep(
        turn,
        turn.from !== null && turn.from.bindings === turn.retain ? (found?.id ?? null) : null,
      ),
    };
  }

  async #find(clientKeyHash: string | null, key: string, where: Durability) {
    try {
      return await this.deps.bindings[where].find(clientKeyHash, key);
    } catch (err) {
      this.deps.logger.error({ err }, 'cannot read a conversation binding; starting a new task');
      return null;
    }
  }

  #resumePlan(turn: ConversationTurn, taskRowId: number | null): ResumePlan | null {
    // docs/monkeycode-protocol.md §5.1: text over one frame's limit cannot be a follow-up; it goes into a new task's content.
    if (turn.from !== null && taskRowId !== null && this.deps.fitsFollowUp(turn.from.text)) {
      return { kind: 'task', taskRowId, text: turn.from.text };
    }
    if (!this.deps.warm) return null;
    const text = turn.warmText();
    return this.deps.fitsFollowUp(text) ? { kind: 'warm', text } : null;
  }

  /** Whether the turn's task is kept idle after it (for its conversation) instead of stopped. */
  keepsTask(turn: Pick<ConversationTurn, 'retain'>): boolean {
    return turn.retain !== 'none' && this.deps.idleTtlMs !== 0;
  }

  #keep(turn: ConversationTurn, conversationId: string | null): TurnPlan['keep'] {
    const retain = turn.retain;
    if (retain === 'none' || !this.keepsTask(turn)) return null;
    const onKept = async (task: KeptTask): Promise<void> => {
      try {
        const key = turn.nextKey(task.answer);
        await this.deps.bindings[retain].bind({
          id: conversationId,
          clientKeyHash: turn.clientKeyHash,
          model: turn.upstreamModel,
          key,
          accountId: task.accountId,
          taskRowId: task.taskRowId,
        });
      } catch (err) {
        this.deps.logger.error({ err }, 'cannot record a conversation binding; its next turn will replay it');
      }
    };
    return { ttlMs: this.deps.idleTtlMs, onKept };
  }
}
