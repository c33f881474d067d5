import { abortReason, type Clock, type Timers } from '../util/timing.js';
import type { Waiter } from './account-pool-types.js';
import type { AcquireOptions, Lease } from './lease.js';

const NONE: ReadonlySet<number> = new Set();

/** What the queue needs from the pool. */
export interface WaitQueueDeps {
  clock: Clock;
  timers: Timers;
  timeoutMs: number;
  /** The error a waiter gets when its wait times out. */
  timeoutError: (waiter: Waiter) => unknown;
}

/**
 * The pool's fair FIFO queue of requests waiting for a slot: each waits at most `timeoutMs` and
 * leaves as soon as its client goes away. The pool serves waiters in insertion order.
 */
export class WaitQueue {
  readonly #deps: WaitQueueDeps;
  readonly #waiters = new Set<Waiter>();

  constructor(deps: WaitQueueDeps) {
    this.#deps = deps;
  }

  /** Queue a request; `added` runs once it is queued (the pool dispatches). */
  enqueue(model: string, signal: AbortSignal, options: AcquireOptions, added: () => void): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = (): void => void this.settle(waiter, abortReason(signal));
      const cancelTimer = this.#deps.timers.setTimeout(() => {
        if (this.#waiters.has(waiter)) this.settle(waiter, this.#deps.timeoutError(waiter));
      }, this.#deps.timeoutMs);
      const waiter: Waiter = {
        model,
        exclude: options.exclude ?? NONE,
        noWait: options.noWait ?? false,
        evicting: false,
        granting: false,
        since: this.#deps.clock.now(),
        resolve,
        reject,
        cleanup: () => {
          cancelTimer();
          signal.removeEventListener('abort', onAbort);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      added();
    });
  }

  /** Answer a waiter (once): with a lease, or with `error`. False when it was answered before. */
  settle(waiter: Waiter, error: unknown, lease?: Lease): boolean {
    if (!this.#waiters.delete(waiter)) return false;
    waiter.cleanup();
    if (lease !== undefined) waiter.resolve(lease);
    else waiter.reject(error);
    return true;
  }

  /** The waiters, oldest first (a copy: serving one may settle others). */
  list(): Waiter[] {
    return [...this.#waiters];
  }

  get size(): number {
    return this.#waiters.size;
  }
}
