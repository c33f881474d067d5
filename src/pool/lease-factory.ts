import type { Account } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { ParkRequest } from './idle-slots.js';
import type { Lease, LeaseOutcome } from './lease.js';
import type { PoolHealth } from './pool-health.js';
import type { PoolSnapshot } from './selection.js';

/** What leases are made from: the pool's bookkeeping, passed in. */
export interface LeaseFactoryDeps {
  logger: Logger;
  /** The accounts and their sessions as last read from the store. */
  snapshot: () => PoolSnapshot;
  health: PoolHealth;
  /** The pool's task rows tied to live leases (and idle tasks). */
  liveTasks: Set<number>;
  free: (accountId: number) => void;
  park: (accountId: number, task: ParkRequest) => void;
  /** The platform said a task still runs on the account (10811). */
  onConcurrencyFailure: (accountId: number) => void;
}

/**
 * Makes the pool's leases: takes the account's session from the pool's snapshot (decrypted once
 * per account until the accounts change: every lease needs it) and records each lease's outcome as
 * account health.
 */
export class LeaseFactory {
  readonly #deps: LeaseFactoryDeps;

  constructor(deps: LeaseFactoryDeps) {
    this.#deps = deps;
  }

  /** The account's session, or null when it has none or it cannot be read. */
  sessionOf(accountId: number): string | null {
    return this.#deps.snapshot().sessions.get(accountId) ?? null;
  }

  /** A lease on one slot of `account` for `model` (starting with `tasks` when it claims an idle task). */
  create(
    account: Account,
    session: string,
    modelId: string,
    model: string,
    tasks: readonly number[] = [],
  ): Lease {
    const deps = this.#deps;
    return createLease({
      account,
      session,
      modelId,
      tasks,
      liveTasks: deps.liveTasks,
      record: (outcome) =>
        this.#record(account.id, outcome, model, session).catch((err: unknown) =>
          deps.logger.warn({ accountId: account.id, err }, 'could not record the outcome of a request'),
        ),
      free: () => deps.free(account.id),
      park: (task) => deps.park(account.id, task),
    });
  }

  async #record(accountId: number, outcome: LeaseOutcome, model: string, session: string): Promise<void> {
    const { health } = this.#deps;
    if (outcome.result === 'success') await health.record(accountId, { type: 'success' });
    if (outcome.result !== 'failure') return;
    const { failure, afterOutput } = outcome;
    if (failure.kind === 'concurrency') this.#deps.onConcurrencyFailure(accountId);
    await health.record(
      accountId,
      { type: 'failure', kind: failure.kind, message: failure.message, model, afterOutput },
      session,
    );
  }
}

/** What one lease is built from. */
export interface LeaseParts {
  account: Account;
  session: string;
  modelId: string;
  /** The pool's set of task rows tied to live leases. */
  liveTasks: Set<number>;
  /** Record the outcome (account health); the slot is freed once it is written. */
  record: (outcome: LeaseOutcome) => Promise<void>;
  /** Give the slot back to the pool. */
  free: () => void;
  /** Turn the slot into an idle task's slot. */
  park: (task: ParkRequest) => void;
  /** Task rows the lease starts with (a claimed idle task). */
  tasks?: readonly number[];
}

/**
 * A lease whose `release` or `park` works once: outcome now; the slot when `drained` settles, or
 * handed to the parked task (which stays among the live tasks, so it is never stopped as a stray).
 */
export function createLease(parts: LeaseParts): Lease {
  const tasks = new Set<number>(parts.tasks);
  let released = false;
  return {
    account: parts.account,
    session: parts.session,
    modelId: parts.modelId,
    attachTask(row) {
      tasks.add(row);
      parts.liveTasks.add(row);
    },
    release(outcome, drained) {
      if (released) return;
      released = true;
      // The health it records (a cooldown, an expired session) is written before the slot goes
      // back, so the next waiter is not given an account this outcome just took out.
      const recorded = parts.record(outcome);
      const free = (): void => {
        for (const row of tasks) parts.liveTasks.delete(row);
        parts.free();
      };
      // A function is called once the outcome is recorded (e.g. a re-login it starts is under way).
      const done =
        typeof drained === 'function'
          ? recorded.then(drained)
          : drained === undefined
            ? recorded
            : Promise.allSettled([recorded, drained]);
      void done.then(free, free);
    },
    park(outcome, task) {
      if (released) return;
      released = true;
      void parts.record(outcome);
      for (const row of tasks) if (row !== task.taskRowId) parts.liveTasks.delete(row);
      parts.park(task);
    },
  };
}
