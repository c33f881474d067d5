import type { Account, Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { createLease } from './create-lease.js';
import type { ParkRequest } from './idle-tasks.js';
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
