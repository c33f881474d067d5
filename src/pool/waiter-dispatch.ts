import type { CancelTimer, Clock, Timers } from '../util/timing.js';
import { ServiceUnavailableError } from '../util/errors.js';
import type { PoolOptions, Waiter } from './account-pool-types.js';
import { exhaustedError } from './client-error.js';
import type { IdleSlots } from './idle-slots.js';
import type { LeaseFactory } from './lease-factory.js';
import {
  classifyAccounts,
  nextRestEnd,
  pickCandidate,
  type ClassifyContext,
  type PoolSnapshot,
  type SlotCandidate,
} from './selection.js';
import type { SharedSlots, SlotLedger } from './slots.js';
import type { WaitQueue } from './wait-queue.js';

/** What serving the queue reads and changes; all of it owned by the pool. */
export interface WaiterDispatchDeps {
  clock: Clock;
  timers: Timers;
  options: PoolOptions;
  queue: WaitQueue;
  slots: SlotLedger;
  idle: IdleSlots;
  leases: LeaseFactory;
  shared: SharedSlots;
  /** The accounts as last read from the store. */
  snapshot: () => PoolSnapshot;
  recovering: (accountId: number) => boolean;
  /** False while the accounts are being read again: the pool serves the queue once they are in. */
  ready: () => boolean;
  closed: () => boolean;
}

/**
 * The pool's one decision about waiting requests: which waiter gets which free slot (FIFO, by the
 * selection strategy), which fails because nothing it could wait for is left, and which idle task
 * is stopped to make room. Runs whenever slots or accounts change.
 */
export class WaiterDispatch {
  readonly #deps: WaiterDispatchDeps;
  #running = false;
  #again = false;
  #cancelWake: CancelTimer | null = null;
  /** Accounts the waiters of the last pass wanted from other processes' idle tasks. */
  readonly #wanted = new Set<number>();

  constructor(deps: WaiterDispatchDeps) {
    this.#deps = deps;
  }

  /** Serve the queue (re-entrant calls make the running pass go round once more). */
  run(): void {
    if (!this.#deps.ready()) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        this.#wanted.clear();
        const blocked = new Set<string>();
        for (const waiter of this.#deps.queue.list()) this.#serve(waiter, blocked);
      } while (this.#again);
      this.#deps.shared.want(this.#wanted);
      this.#scheduleWake();
    } finally {
      this.#running = false;
    }
  }

  /** What classifying the accounts for `waiter` needs. */
  context(waiter: Waiter, now: number): ClassifyContext {
    const { slots, idle, options, recovering, shared } = this.#deps;
    return {
      now,
      exclude: waiter.exclude,
      busy: slots.busy,
      others: shared.others,
      othersIdle: shared.othersIdle,
      idle: idle.tasks.counts(),
      maxOf: (account) => account.maxConcurrency ?? options.maxConcurrentPerAccount,
      recovering,
      lastLeased: (id) => slots.lastLeased(id),
    };
  }

  /** Stop the cooldown wake-up timer (shutdown). */
  cancelWake(): void {
    this.#cancelWake?.();
    this.#cancelWake = null;
  }

  /**
   * Grant a slot to `waiter` if one is free; fail it when nothing it could wait for is left.
   * `blocked`: models for which a plain waiter (nothing excluded) found nothing to do in this pass;
   * every later plain waiter for them would too (same accounts, same counts), so it is skipped —
   * a long queue costs one classification per model per pass, not one per waiter.
   */
  #serve(waiter: Waiter, blocked: Set<string>): void {
    const { clock, options, queue, slots, idle } = this.#deps;
    if (waiter.granting) return;
    const plain = waiter.exclude.size === 0 && !waiter.noWait;
    if (plain && blocked.has(waiter.model)) return;
    const now = clock.now();
    const snapshot = this.#deps.snapshot();
    const classes = classifyAccounts(snapshot, waiter.model, this.context(waiter, now));
    if (classes.free.length > 0) {
      this.#grant(waiter, snapshot, pickCandidate(options.strategy, classes.free, slots.previous));
      return;
    }
    for (const accountId of classes.wanted) this.#wanted.add(accountId);
    if (classes.waitable === 0 || waiter.noWait) {
      // Background work (`noWait`) neither queues nor stops idle tasks.
      queue.settle(waiter, exhaustedError(classes, now, options.retryHintMs));
    } else if (classes.evictable.length > 0 && !waiter.evicting) {
      // Idle tasks hold the slots this request needs: stop the least recently used one.
      const on = new Set(classes.evictable);
      const victim = idle.tasks.oldest((task) => on.has(task.accountId));
      if (victim !== null && idle.evict(victim, () => (waiter.evicting = false))) waiter.evicting = true;
    } else if (plain && classes.evictable.length === 0) {
      blocked.add(waiter.model);
    }
  }

  /**
   * Give `waiter` the slot `pick`: counted here at once (so no later waiter gets it too), settled
   * once the shared lease row is taken. Another process may have taken the account's last slot
   * meanwhile: then `shared` counts the account full and the queue is served again.
   */
  #grant(waiter: Waiter, snapshot: PoolSnapshot, pick: SlotCandidate): void {
    const { queue, slots, leases, shared } = this.#deps;
    const { accountId } = pick;
    const account = snapshot.accounts.find((a) => a.id === accountId);
    const modelId = snapshot.modelIds.get(accountId)?.get(waiter.model);
    const session = leases.sessionOf(accountId);
    if (account === undefined || modelId === undefined || session === null) {
      queue.settle(
        waiter,
        new ServiceUnavailableError(`account ${accountId} has no readable session`, { code: 'no_session' }),
      );
      return;
    }
    slots.lease(accountId);
    waiter.granting = true;
    const granted = (taken: boolean): void => {
      waiter.granting = false;
      if (!taken) {
        slots.release(accountId);
        this.run();
        return;
      }
      const lease = leases.create(account, session, modelId, waiter.model);
      // The waiter left meanwhile (aborted, timed out, shutdown): the slot goes back.
      if (!queue.settle(waiter, null, lease)) lease.release({ result: 'abandoned' });
    };
    shared.take(accountId, pick.max).then(granted, (err: unknown) => {
      waiter.granting = false;
      slots.release(accountId);
      queue.settle(
        waiter,
        new ServiceUnavailableError('the shared slot store did not answer', {
          code: 'store_unavailable',
          cause: err,
        }),
      );
      this.run();
    });
  }

  /** While requests wait, wake up when the soonest cooldown ends (a resting account may serve them). */
  #scheduleWake(): void {
    this.cancelWake();
    const { queue, clock, timers } = this.#deps;
    if (queue.size === 0 || this.#deps.closed()) return;
    const now = clock.now();
    const end = nextRestEnd(this.#deps.snapshot(), now);
    if (end !== null) this.#cancelWake = timers.setTimeout(() => this.run(), end - now);
  }
}
