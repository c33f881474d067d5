import type { UsageEntry } from '../store/index.js';
import type { TokenUsage, UpstreamEvent } from '../upstream/types.js';
import { emptyTally, estimateTokens, tallyText, tallyTokens } from '../util/token-estimate.js';
import type { PooledTurnDeps, TurnPlan } from './pooled-turn.js';
import type { RequestProgress } from './turn-attempt.js';

/**
 * A request's one usage row (design §5: a crash loses no usage row). A consumer writes its client's
 * last frame as soon as it gets the terminal event — or already at `answer-complete`, before the
 * billed tokens are read — so the row is stored before that event is passed on: at
 * `answer-complete` with an estimate, completed in place at `finish` with the turn's own numbers; a
 * failure's row before its `error` event. A process killed right after the client's last byte
 * leaves the row (estimated at worst). A turn that ends any other way (abort, thrown failure)
 * writes or corrects its row when it is over. No row when no account was leased. Tokens are the
 * turn's own numbers (the adapter estimates when the platform has none), or an estimate once the
 * answer is complete; a turn that failed before that has none.
 */
export class UsageRow {
  #id: number | null = null;
  #final = false;
  /** `answer-complete` went by: the turn ran, so its tokens are at least estimated. */
  #answered = false;
  readonly #output = emptyTally();

  constructor(
    private readonly deps: Pick<PooledTurnDeps, 'store' | 'logger' | 'now'>,
    private readonly plan: TurnPlan,
    private readonly progress: RequestProgress,
  ) {}

  /**
   * Note `event` before it goes to the consumer; stores the row when the event ends the client's
   * answer (then the returned promise says when it is stored; most events return none).
   */
  see(event: UpstreamEvent): Promise<void> | undefined {
    if (event.type === 'text' || event.type === 'reasoning') tallyText(this.#output, event.text);
    else if (event.type === 'answer-complete') {
      this.#answered = true;
      return this.#write('ok');
    } else if (event.type === 'finish' || event.type === 'error') {
      this.#final = true;
      return this.#write(this.progress.outcome);
    }
    return undefined;
  }

  /** The turn is over: store the row if no terminal event did. */
  async close(): Promise<void> {
    if (!this.#final) await this.#write(this.progress.outcome);
  }

  async #write(outcome: RequestProgress['outcome']): Promise<void> {
    if (this.progress.accountId === null) return;
    const entry = this.#entry(outcome);
    try {
      if (this.#id === null) this.#id = await this.deps.store.usage.record(entry);
      else await this.deps.store.usage.update(this.#id, entry);
    } catch (err) {
      this.deps.logger.error({ err }, 'could not record usage');
    }
  }

  #entry(outcome: RequestProgress['outcome']): UsageEntry {
    const { plan, progress } = this;
    const usage = progress.usage ?? (this.#answered ? this.#estimate() : null);
    return {
      route: plan.route,
      outcome,
      model: plan.upstreamModel,
      accountId: progress.accountId,
      clientKeyHash: plan.clientKeyHash,
      upstreamTaskId: progress.taskId,
      promptTokens: usage?.inputTokens,
      completionTokens: usage?.outputTokens,
      totalTokens: usage?.totalTokens,
      estimated: usage?.estimated ?? false,
      ttfbMs: progress.ttfbMs,
      durationMs: this.deps.now() - progress.started,
    };
  }

  /** What the platform has not reported yet: the prompt this attempt sent and the output relayed. */
  #estimate(): TokenUsage {
    const { plan } = this;
    const inputTokens =
      this.progress.resumed && plan.resume
        ? estimateTokens(plan.resume.text)
        : estimateTokens(plan.systemPrompt, plan.content);
    const outputTokens = tallyTokens(this.#output);
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
  }
}
