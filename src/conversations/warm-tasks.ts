import type { TurnPlan } from '../pool/pooled-turn.js';
import type { CancelTimer, Timers } from '../util/timing.js';
import type { UpstreamEvent } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';

/** What the warm pool is built from. */
export interface WarmTasksDeps {
  /** `warm.size`. */
  size: number;
  /** The upstream model of warm tasks, or null while no account offers it. */
  model: () => string | null;
  /** `warm.bootstrapPrompt`: the first turn of a warm task (its answer is discarded). */
  prompt: string;
  /** `warm.maxIdleMs`. */
  maxIdleMs: number;
  runPooledTurn: (plan: TurnPlan, signal: AbortSignal) => AsyncIterable<UpstreamEvent>;
  /** Warm tasks of this model kept idle now. */
  warmCount: (model: string) => number;
  timers: Timers;
  logger: Logger;
  /** Delay before trying again when no slot was free or a boot failed. */
  retryMs?: number;
}

/**
 * Keeps `warm.size` pre-booted idle tasks across the pool, so a new conversation's first turn can
 * skip the VM boot (`mode=new` on a task that is already up). Boots only on a slot that is free
 * now (never queueing, never stopping an idle task); a request that needs the slot of a warm task
 * stops it like any idle task. Refills when nudged (a slot freed, a warm task claimed) and retries
 * after a failure.
 */
export class WarmTasks {
  readonly #deps: WarmTasksDeps;
  readonly #controller = new AbortController();
  #booting = 0;
  #soon: CancelTimer | null = null;
  #later: CancelTimer | null = null;
  #closed = false;

  constructor(deps: WarmTasksDeps) {
    this.#deps = deps;
  }

  /** Boot what is missing, soon (debounced). */
  nudge(): void {
    if (this.#closed || this.#deps.size === 0 || this.#soon !== null) return;
    this.#soon = this.#deps.timers.setTimeout(() => {
      this.#soon = null;
      this.#fill();
    }, 0);
  }

  /** Stop booting and refilling (shutdown); kept warm tasks are stopped with the other idle tasks. */
  close(): void {
    this.#closed = true;
    this.#soon?.();
    this.#later?.();
    this.#controller.abort(new Error('relaypool is shutting down'));
  }

  #fill(): void {
    const model = this.#deps.model();
    if (model === null) return this.#retryLater();
    const missing = this.#deps.size - this.#deps.warmCount(model) - this.#booting;
    for (let i = 0; i < missing; i++) void this.#boot(model);
  }

  async #boot(model: string): Promise<void> {
    this.#booting += 1;
    let kept = false;
    try {
      const plan: TurnPlan = {
        route: 'warm-up',
        upstreamModel: model,
        content: this.#deps.prompt,
        systemPrompt: null,
        clientKeyHash: null,
        keep: { ttlMs: this.#deps.maxIdleMs, warm: true, onKept: () => void (kept = true) },
        background: true,
      };
      for await (const event of this.#deps.runPooledTurn(plan, this.#controller.signal)) {
        if (event.type === 'error')
          this.#deps.logger.warn({ kind: event.kind }, 'a warm task failed to boot');
      }
    } catch (err) {
      // No slot free right now (429) or shutting down: try again later.
      if (!this.#closed) this.#deps.logger.debug({ err }, 'no slot for a warm task now');
    } finally {
      this.#booting -= 1;
    }
    if (kept) this.nudge();
    else this.#retryLater();
  }

  #retryLater(): void {
    if (this.#closed || this.#later !== null) return;
    this.#later = this.#deps.timers.setTimeout(() => {
      this.#later = null;
      this.#fill();
    }, this.#deps.retryMs ?? 5_000);
  }
}
