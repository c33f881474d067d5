import type { Account, AsyncStore } from '../store/index.js';
import { isUpstreamFailure, policyFor } from '../upstream/errors.js';
import type { CancelTimer, Clock, Timers } from '../util/timing.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { AccountPool } from './account-pool.js';

/** What the periodic health check needs. */
export interface HealthMonitorDeps {
  store: AsyncStore;
  adapter: UpstreamAdapter;
  pool: AccountPool;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  /** In [0, 1); jitters the interval by ±10 %. */
  random: () => number;
  intervalMs: number;
  reloginBeforeExpiryMs: number;
}

/**
 * Keeps account states true between requests: every `intervalMs` (jittered) each idle account is
 * checked — password accounts whose session died or ends within `reloginBeforeExpiryMs` log in
 * again; other sessions are validated (`validateSession`, i.e. `/users/status`). Accounts serving
 * a request, disabled or invalid ones are left alone. The first round runs at `start`.
 */
export class HealthMonitor {
  #cancel: CancelTimer | null = null;
  #round: Promise<void> | null = null;
  #stopped = false;

  constructor(private readonly deps: HealthMonitorDeps) {}

  /** Run a first round now, then one every interval. */
  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  /** Stop scheduling and wait for a running round. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    await this.#round;
  }

  /** One round over every account, one account at a time. */
  async checkAll(): Promise<void> {
    for (const account of await this.deps.store.accounts.list()) {
      if (this.#stopped) return;
      try {
        await this.#check(account);
      } catch (err) {
        this.deps.logger.warn({ accountId: account.id, err }, 'health check failed');
      }
    }
  }

  #tick(): void {
    this.#round = this.checkAll().finally(() => {
      this.#round = null;
      if (this.#stopped) return;
      const jitter = 0.9 + 0.2 * this.deps.random();
      this.#cancel = this.deps.timers.setTimeout(
        () => this.#tick(),
        Math.round(this.deps.intervalMs * jitter),
      );
    });
  }

  async #check(account: Account): Promise<void> {
    const { pool, clock } = this.deps;
    if (!account.enabled || account.state === 'invalid') return;
    if ((pool.inFlight().get(account.id) ?? 0) > 0 || pool.health.recovering(account.id)) return;
    if (account.kind === 'password') {
      if (account.state === 'expired' || !account.hasCookie)
        return pool.health.relogin(account.id, 'expired');
      const endsIn = account.cookieExpiresAt === null ? Infinity : account.cookieExpiresAt - clock.now();
      if (endsIn <= this.deps.reloginBeforeExpiryMs) return pool.health.relogin(account.id, 'proactive');
    }
    // An expired cookie account waits for an operator to paste a fresh cookie.
    if (account.state === 'expired') return;
    await this.#validate(account.id);
  }

  async #validate(accountId: number): Promise<void> {
    const { store, adapter, pool } = this.deps;
    const session = (await store.accounts.getSecrets(accountId))?.cookie ?? null;
    if (session === null) return;
    try {
      const user = await adapter.validateSession(session);
      const event = user.blocked
        ? ({
            type: 'failure',
            kind: 'banned',
            message: 'the upstream account is blocked',
            model: null,
          } as const)
        : ({ type: 'session-valid' } as const);
      await pool.health.record(accountId, event, session);
    } catch (err) {
      if (!isUpstreamFailure(err)) throw err;
      // Only definite verdicts change the account; passing trouble says nothing about it.
      const action = policyFor(err.kind).action;
      if (action === 'expired' || action === 'invalid') {
        await pool.health.record(
          accountId,
          { type: 'failure', kind: err.kind, message: err.message, model: null },
          session,
        );
      }
    }
  }
}
