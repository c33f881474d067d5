import type { Account, AsyncStore } from '../store/index.js';
import type { Clock } from '../util/timing.js';
import type { Logger } from '../util/logger.js';
import { nextHealth, type HealthEffect, type HealthEvent, type HealthTimings } from './account-health.js';

/** Why an account is logged in again: its session died, or it is about to end. */
export type ReloginReason = 'expired' | 'proactive';

/** Told to stop tasks of ours still running on the account, except those in `keep` (live leases). */
export type StrayListener = (accountId: number, keep: ReadonlySet<number>) => void;

/** What applying health events needs. */
export interface PoolHealthDeps {
  store: AsyncStore;
  logger: Logger;
  clock: Clock;
  timings: HealthTimings;
  /** Log the account in again (it writes the account's new state itself); rejects on failure. */
  relogin: (accountId: number, reason: ReloginReason) => Promise<unknown>;
  /** Task rows of live leases. */
  liveTasks: () => ReadonlySet<number>;
  /** Called after anything that may change who can be leased. */
  onChange: () => void;
  /** The account as the pool last read it (its snapshot), if known: spares a read per success. */
  known?: (accountId: number) => Account | undefined;
}

/**
 * Applies the health state machine to stored accounts: writes state and cooldowns, keeps the
 * backoff ladder (in memory), and runs effects — single-flight re-logins, stopping strays,
 * resting one model.
 */
export class PoolHealth {
  readonly #backoff = new Map<number, number>();
  readonly #relogins = new Map<number, Promise<void>>();
  readonly #strayListeners: StrayListener[] = [];

  constructor(private readonly deps: PoolHealthDeps) {}

  /**
   * Record an event. `session` is the session the request used: a session failure reported on a
   * session the account has already replaced is stale and ignored (no second re-login).
   */
  async record(accountId: number, event: HealthEvent, session: string | null = null): Promise<void> {
    const { store, logger } = this.deps;
    if (event.type === 'success' && !this.#backoff.has(accountId)) {
      // The common case changes nothing (an active account, no backoff): no database read for it.
      const seen = this.deps.known?.(accountId);
      if (seen !== undefined && seen.state === 'active' && seen.cooldownUntil === null) return;
    }
    const account = await store.accounts.get(accountId);
    if (account === null) return;
    if (
      event.type === 'failure' &&
      event.kind === 'session-expired' &&
      session !== null &&
      (await this.#currentSession(accountId)) !== session
    )
      return;
    const view = {
      kind: account.kind,
      state: account.state,
      cooldownUntil: account.cooldownUntil,
      backoffLevel: this.#backoff.get(accountId) ?? 0,
    };
    const change = nextHealth(view, event, this.deps.timings, this.deps.clock.now());
    if (change.backoffLevel === 0) this.#backoff.delete(accountId);
    else this.#backoff.set(accountId, change.backoffLevel);
    if (change.patch !== null) await store.accounts.update(accountId, change.patch);
    if (change.patch?.state !== undefined && change.patch.state !== account.state) {
      const kind = event.type === 'failure' ? event.kind : event.type;
      logger.warn(
        {
          accountId,
          from: account.state,
          to: change.patch.state,
          kind,
          cooldownUntil: change.patch.cooldownUntil,
        },
        'account health changed',
      );
    }
    for (const effect of change.effects) await this.#run(accountId, effect);
    if (change.patch !== null || change.effects.length > 0) this.deps.onChange();
  }

  /** Log an account in again; concurrent calls for one account share one attempt. */
  relogin(accountId: number, reason: ReloginReason): Promise<void> {
    const running = this.#relogins.get(accountId);
    if (running !== undefined) return running;
    const { logger } = this.deps;
    const job = this.deps
      .relogin(accountId, reason)
      .then(
        () => logger.info({ accountId, reason }, 'account logged in again'),
        (err: unknown) =>
          logger.warn(
            { accountId, reason, error: err instanceof Error ? err.message : String(err) },
            're-login failed',
          ),
      )
      .finally(() => {
        this.#relogins.delete(accountId);
        this.#backoff.delete(accountId);
        this.deps.onChange();
      });
    this.#relogins.set(accountId, job);
    return job;
  }

  /**
   * Call `listener` when the platform says a task still runs on an account (10811): tasks of ours
   * lingering there must be stopped (the task reaper listens; it is built after the pool).
   */
  onStrays(listener: StrayListener): void {
    this.#strayListeners.push(listener);
  }

  /** True while a re-login of the account runs. */
  recovering(accountId: number): boolean {
    return this.#relogins.has(accountId);
  }

  /** Resolves once the running re-login of the account ends (at once when none runs). */
  whenRecovered(accountId: number): Promise<void> {
    return this.#relogins.get(accountId) ?? Promise.resolve();
  }

  /** Current backoff ladder step of an account (0 after a success). */
  backoffLevel(accountId: number): number {
    return this.#backoff.get(accountId) ?? 0;
  }

  async #run(accountId: number, effect: HealthEffect): Promise<void> {
    switch (effect.type) {
      case 'relogin':
        void this.relogin(accountId, 'expired');
        return;
      case 'stop-strays':
        for (const listener of this.#strayListeners) listener(accountId, this.deps.liveTasks());
        return;
      case 'cool-model':
        await this.deps.store.models.coolModel(accountId, effect.model, effect.until);
        this.deps.logger.warn(
          { accountId, model: effect.model, until: effect.until },
          'model resting on account',
        );
        return;
    }
  }

  async #currentSession(accountId: number): Promise<string | null> {
    try {
      return (await this.deps.store.accounts.getSecrets(accountId))?.cookie ?? null;
    } catch {
      return null;
    }
  }
}
