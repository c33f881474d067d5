import type { Account, Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { ParkRequest } from './idle-slots.js';
import type { Lease, LeaseOutcome } from './lease.js';
import type { PoolHealth } from './pool-health.js';

/** What leases are made from: the pool's bookkeeping, passed in. */
export interface LeaseFactoryDeps {
  store: Store;
  logger: Logger;
  health: PoolHealth;
  /** The pool's task rows tied to live leases (and idle tasks). */
  liveTasks: Set<number>;
  free: (accountId: number) => void;
  park: (accountId: number, task: ParkRequest) => void;
  /** The platform said a task still runs on the account (10811). */
  onConcurrencyFailure: (accountId: number) => void;
}

/**
 * Makes the pool's leases: reads the account's session (decrypted once per account until the
 * accounts change: every lease needs it) and records each lease's outcome as account health.
 */
export class LeaseFactory {
  readonly #deps: LeaseFactoryDeps;
  readonly #sessions = new Map<number, string>();

  constructor(deps: LeaseFactoryDeps) {
    this.#deps = deps;
  }

  /** The accounts changed: read sessions again. */
  forgetSessions(): void {
    this.#sessions.clear();
  }

  /** The account's session, or null when it has none or it cannot be read. */
  sessionOf(accountId: number): string | null {
    const cached = this.#sessions.get(accountId);
    if (cached !== undefined) return cached;
    try {
      const session = this.#deps.store.accounts.getSecrets(accountId)?.cookie ?? null;
      if (session !== null) this.#sessions.set(accountId, session);
      return session;
    } catch (err) {
      this.#deps.logger.error({ accountId, err }, 'cannot read the session of an account');
      return null;
    }
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
      record: (outcome) => this.#record(account.id, outcome, model, session),
      free: () => deps.free(account.id),
      park: (task) => deps.park(account.id, task),
    });
  }

  #record(accountId: number, outcome: LeaseOutcome, model: string, session: string): void {
    const { health } = this.#deps;
    if (outcome.result === 'success') health.record(accountId, { type: 'success' });
    if (outcome.result !== 'failure') return;
    const { failure, afterOutput } = outcome;
    if (failure.kind === 'concurrency') this.#deps.onConcurrencyFailure(accountId);
    health.record(
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
  /** Record the outcome (account health). */
  record: (outcome: LeaseOutcome) => void;
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
      parts.record(outcome);
      const free = (): void => {
        for (const row of tasks) parts.liveTasks.delete(row);
        parts.free();
      };
      const until = typeof drained === 'function' ? drained() : drained;
      if (until === undefined) free();
      else void until.then(free, free);
    },
    park(outcome, task) {
      if (released) return;
      released = true;
      parts.record(outcome);
      for (const row of tasks) if (row !== task.taskRowId) parts.liveTasks.delete(row);
      parts.park(task);
    },
  };
}
