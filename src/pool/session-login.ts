import type { Account, AsyncStore } from '../store/index.js';
import { delay, type Timers } from '../util/timing.js';
import type { UpstreamAdapter, UpstreamLogin, UpstreamUser } from '../upstream/types.js';
import { UserError } from '../util/errors.js';

/** What a locked login needs. */
export interface SessionLoginDeps {
  store: AsyncStore;
  adapter: UpstreamAdapter;
  timers: Timers;
  now: () => number;
  /** Lock owner: this process (`store.instanceId`). */
  owner: string;
  /** How long a login may hold the lock (a crashed holder's lock runs out after this). */
  lockTtlMs: number;
  /** How often to look whether another process released the lock. */
  pollMs: number;
  /** Log in on the account's upstream (default: `adapter.login`, a single-upstream pool). */
  loginTo?: (upstream: string, credentials: { email: string; password: string }) => Promise<UpstreamLogin>;
}

/** A usable session after a (possibly skipped) login. `fresh` is true when this call logged in. */
export interface SessionLogin {
  session: string;
  user: UpstreamUser;
  fresh: boolean;
}

/**
 * Log a password account in while holding its login lock in the database, so two relaypool processes on
 * one database never log the same account in twice. With `reuse`, a session that another process
 * (or an earlier call) stored meanwhile — anything but `staleSession` — is validated and used
 * instead of logging in again.
 */
export async function loginExclusively(
  deps: SessionLoginDeps,
  account: Account,
  password: string,
  options: { staleSession: string | null; reuse: boolean },
): Promise<SessionLogin> {
  const { store, adapter } = deps;
  if (account.email === null) throw new UserError(`account ${account.id} has no email to log in with`);
  const giveUpAt = deps.now() + deps.lockTtlMs;
  while (!(await store.accounts.tryLockLogin(account.id, deps.owner, deps.lockTtlMs))) {
    if (deps.now() > giveUpAt)
      throw new UserError(`another relaypool process is still logging account ${account.id} in`);
    await delay(deps.timers, deps.pollMs);
  }
  try {
    const current = (await store.accounts.getSecrets(account.id))?.cookie ?? null;
    if (options.reuse && current !== null && current !== options.staleSession) {
      const user = await adapter.validateSession(current).catch(() => null);
      if (user !== null) return { session: current, user, fresh: false };
    }
    const credentials = { email: account.email, password };
    const login = await (deps.loginTo
      ? deps.loginTo(account.upstream, credentials)
      : adapter.login(credentials));
    await store.accounts.setCookie(account.id, login.session, {
      obtainedAt: deps.now(),
      expiresAt: login.expiresAt?.getTime() ?? null,
    });
    return { session: login.session, user: login.user, fresh: true };
  } finally {
    await store.accounts.unlockLogin(account.id, deps.owner);
  }
}
