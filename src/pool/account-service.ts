import type { Account, AsyncStore } from '../store/index.js';
import { isUpstreamFailure, upstreamFailure } from '../upstream/errors.js';
import { systemTimers, type Timers } from '../util/timing.js';
import type { AccountDiscovery, UpstreamAdapter, UpstreamUser } from '../upstream/types.js';
import { DEFAULT_UPSTREAM, type UpstreamSet } from '../upstream/upstream-set.js';
import { NotFoundError, UserError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { saveAccountCheck } from './save-check.js';
import { loginExclusively, type SessionLogin, type SessionLoginDeps } from './session-login.js';

export interface AccountServiceDeps {
  store: AsyncStore;
  adapter: UpstreamAdapter;
  logger: Logger;
  now: () => number;
  timers?: Timers;
  /** How long a login may hold an account's login lock (default 2 min). */
  loginLockTtlMs?: number;
  /** The named upstreams of a multi-upstream pool (absent: every account is on `adapter`). */
  upstreams?: UpstreamDirectory;
}

/** What the service needs to know about the configured upstreams. */
export type UpstreamDirectory = Pick<UpstreamSet, 'has' | 'loginTo' | 'adoptToken'>;

/** What checking an account against the upstream found. */
export interface AccountCheck {
  account: Account;
  user: UpstreamUser;
  discovery: AccountDiscovery;
  /** True when the check needed a fresh password login. */
  reloggedIn: boolean;
}

/** Per-account options an operator sets. */
export interface AccountOptions {
  label?: string | undefined;
  /** The upstream of a new account (default `monkeycode`). */
  upstream?: string | undefined;
  maxConcurrency?: number | undefined;
}

/** What an operator may change on a stored account; absent keys stay, `maxConcurrency: null` means the default. */
export interface AccountSettings {
  label?: string | undefined;
  maxConcurrency?: number | null | undefined;
  enabled?: boolean | undefined;
}

/** What an upsert did. */
export type UpsertResult = AccountCheck & { action: 'added' | 'updated' };

/** A failure message for operators (kind included; never a secret). */
export function describeFailure(err: unknown): string {
  return isUpstreamFailure(err)
    ? `${err.message} (${err.kind})`
    : err instanceof Error
      ? err.message
      : String(err);
}

/**
 * Adding and checking upstream accounts: the one implementation behind the CLI, the pool's
 * re-logins and (later) the admin API. A cookie or password the upstream rejects is never stored.
 * Refreshes are single-flight per account; logins hold the account's login lock in the database.
 */
export class AccountService {
  readonly #refreshing = new Map<number, Promise<AccountCheck>>();
  readonly #login: SessionLoginDeps;
  readonly #changeListeners: Array<(accountId: number) => void | Promise<void>> = [];

  constructor(private readonly deps: AccountServiceDeps) {
    const timers = deps.timers ?? systemTimers;
    const upstreams = deps.upstreams;
    this.#login = {
      ...(upstreams
        ? {
            loginTo: (name: string, credentials: { email: string; password: string }) =>
              upstreams.loginTo(name, credentials),
          }
        : {}),
      ...deps,
      timers,
      owner: deps.store.instanceId,
      lockTtlMs: deps.loginLockTtlMs ?? 120_000,
      pollMs: 250,
    };
  }

  /** The session value in what an operator pasted (the platform knows its cookie's format). */
  parseSessionInput(input: string): string {
    return this.deps.adapter.parseSessionInput(input);
  }

  /** Validate a pasted session cookie upstream, then store it with its models. */
  async addCookie(cookie: string, options: AccountOptions = {}): Promise<AccountCheck> {
    if ((options.upstream ?? DEFAULT_UPSTREAM) !== DEFAULT_UPSTREAM) {
      throw new UserError(
        `a cookie is a MonkeyCode session; for upstream ${options.upstream} use a token or a password`,
      );
    }
    const known = await this.deps.store.accounts.findByCookie(cookie);
    if (known !== null)
      throw new UserError(`this cookie is already stored as account ${known.id} (${known.label})`);
    const { user, discovery } = await this.#probe(cookie, 'the upstream rejected this cookie');
    const account = await this.deps.store.accounts.add({
      kind: 'cookie',
      cookie,
      ...options,
      state: 'active',
    });
    return { ...(await this.#save(account.id, user, discovery)), reloggedIn: false };
  }

  /**
   * Store the session an operator login produced: a new account, or — when the session's upstream
   * user is already stored as a cookie account (the same phone logging in again) — that account
   * with its session renewed and `options` applied.
   */
  async addOrRenewSession(cookie: string, options: AccountOptions = {}): Promise<UpsertResult> {
    const { user, discovery } = await this.#probe(cookie, 'the upstream rejected this session');
    const known = (await this.deps.store.accounts.list()).find(
      (a) => a.kind === 'cookie' && a.upstreamUserId === user.id,
    );
    if (known === undefined) {
      const account = await this.deps.store.accounts.add({
        kind: 'cookie',
        cookie,
        ...options,
        state: 'active',
      });
      return { ...(await this.#save(account.id, user, discovery)), reloggedIn: false, action: 'added' };
    }
    await this.deps.store.accounts.setCookie(known.id, cookie, { obtainedAt: this.deps.now() });
    await this.deps.store.accounts.update(known.id, { state: 'active', lastError: null });
    await this.#applyOptions(known.id, options);
    return { ...(await this.#save(known.id, user, discovery)), reloggedIn: true, action: 'updated' };
  }

  /** Log in with email and password (solving the captcha proof-of-work), then store the account. */
  async addPassword(email: string, password: string, options: AccountOptions = {}): Promise<AccountCheck> {
    const upstream = this.#checkUpstream(options.upstream);
    const known = await this.deps.store.accounts.findByEmail(email);
    if (known !== null)
      throw new UserError(`${email} is already stored as account ${known.id} (${known.label})`);
    const { login, discovery } = await this.#loginProbe(email, password, upstream);
    const account = await this.deps.store.accounts.add({
      kind: 'password',
      email,
      password,
      cookie: login.session,
      cookieObtainedAt: this.deps.now(),
      cookieExpiresAt: login.expiresAt?.getTime() ?? null,
      ...options,
      state: 'active',
    });
    return { ...(await this.#save(account.id, login.user, discovery)), reloggedIn: true };
  }

  /**
   * `POST /admin/session`: like `upsertCookie`, but a fresh cookie of an upstream user already stored
   * renews that account instead of adding the user twice (`addOrRenewSession`).
   */
  async upsertSession(cookie: string, options: AccountOptions = {}): Promise<UpsertResult> {
    if ((await this.deps.store.accounts.findByCookie(cookie)) !== null)
      return this.upsertCookie(cookie, options);
    return this.addOrRenewSession(cookie, options);
  }

  /** Add a cookie account, or — when the cookie is stored already — re-check it and apply `options`. */
  async upsertCookie(cookie: string, options: AccountOptions = {}): Promise<UpsertResult> {
    const known = await this.deps.store.accounts.findByCookie(cookie);
    if (known === null) return { ...(await this.addCookie(cookie, options)), action: 'added' };
    await this.#applyOptions(known.id, options);
    return { ...(await this.refresh(known.id)), action: 'updated' };
  }

  /**
   * Add a password account, or — when the email is stored already — log in with the given password
   * and, only if the upstream accepts it, store it and apply `options`.
   */
  async upsertPassword(email: string, password: string, options: AccountOptions = {}): Promise<UpsertResult> {
    const known = await this.deps.store.accounts.findByEmail(email);
    if (known === null || known.kind !== 'password')
      return { ...(await this.addPassword(email, password, options)), action: 'added' };
    const { store } = this.deps;
    let check: SessionLogin;
    try {
      check = await loginExclusively(this.#login, known, password, { staleSession: null, reuse: false });
    } catch (err) {
      throw new UserError(`the upstream refused the login: ${describeFailure(err)}`);
    }
    await store.accounts.setPassword(known.id, password);
    await this.#applyOptions(known.id, options);
    const { discovery } = await this.#probe(check.session, 'the upstream refused the new session');
    return { ...(await this.#save(known.id, check.user, discovery)), reloggedIn: true, action: 'updated' };
  }

  /**
   * Call `listener` after the service changed an account (the pool re-reads the store); the change
   * is reported done once every listener's promise settled (a request right after sees it).
   */
  onChange(listener: (accountId: number) => void | Promise<void>): void {
    this.#changeListeners.push(listener);
  }

  async #changed(accountId: number): Promise<void> {
    await Promise.allSettled(this.#changeListeners.map(async (listener) => listener(accountId)));
  }

  /**
   * Re-validate a stored account; a password account whose session is dead (or, with
   * `forceLogin`, about to end) logs in again. On failure the account's state says why
   * (`expired` / `invalid`) and the error is rethrown. Concurrent calls for one account share one run.
   */
  refresh(id: number, options: { forceLogin?: boolean } = {}): Promise<AccountCheck> {
    const running = this.#refreshing.get(id);
    if (running !== undefined) return running;
    const job = this.#refresh(id, options.forceLogin ?? false).finally(async () => {
      this.#refreshing.delete(id);
      await this.#changed(id);
    });
    this.#refreshing.set(id, job);
    return job;
  }

  async #refresh(id: number, forceLogin: boolean): Promise<AccountCheck> {
    const { store, adapter } = this.deps;
    const account = await store.accounts.get(id);
    if (account === null) throw new NotFoundError(`no account with id ${id}`, { code: 'account_not_found' });
    const secrets = await store.accounts.getSecrets(id);
    try {
      const stored = secrets?.cookie ?? null;
      let valid: SessionLogin | null = null;
      if (stored !== null && !forceLogin) {
        const user = await adapter.validateSession(stored).catch((err: unknown) => expiredOrThrow(err));
        valid = user === null ? null : { session: stored, user, fresh: false };
      }
      if (valid === null) {
        if (account.kind !== 'password' || !secrets?.password)
          throw new UserError('the session has expired; paste a fresh cookie');
        valid = await loginExclusively(this.#login, account, secrets.password, {
          staleSession: stored,
          reuse: true,
        });
      }
      if (valid.user.blocked) throw upstreamFailure('banned', 'the upstream account is blocked');
      const discovery = await adapter.discover(valid.session);
      return { ...(await this.#save(id, valid.user, discovery)), reloggedIn: valid.fresh };
    } catch (err) {
      const failure = isUpstreamFailure(err) ? err : null;
      const state =
        failure?.scope === 'account-invalid'
          ? 'invalid'
          : failure === null || failure.scope === 'session-expired'
            ? 'expired'
            : account.state;
      await store.accounts.update(id, {
        state,
        lastError: describeFailure(err),
        lastCheckedAt: this.deps.now(),
      });
      throw err instanceof UserError
        ? err
        : new UserError(`account ${id} (${account.label}): ${describeFailure(err)}`);
    }
  }

  async #probe(
    session: string,
    refusal: string,
  ): Promise<{ user: UpstreamUser; discovery: AccountDiscovery }> {
    try {
      const user = await this.deps.adapter.validateSession(session);
      if (user.blocked) throw upstreamFailure('banned', 'the upstream account is blocked');
      return { user, discovery: await this.deps.adapter.discover(session) };
    } catch (err) {
      throw new UserError(`${refusal}: ${describeFailure(err)}`);
    }
  }

  /**
   * Store an account of a bearer-token upstream from a pasted access token (validated upstream
   * first). Such an account cannot log in again: when the token ends it is `expired`.
   */
  async addToken(token: string, options: AccountOptions = {}): Promise<AccountCheck> {
    const upstream = this.#checkUpstream(options.upstream);
    let adopted: { session: string; expiresAt: Date | null } | null;
    try {
      adopted =
        upstream === DEFAULT_UPSTREAM ? null : (this.deps.upstreams?.adoptToken(upstream, token) ?? null);
    } catch (err) {
      throw new UserError(`--token: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (adopted === null)
      throw new UserError(`upstream ${upstream} takes no pasted token (use --cookie or a password)`);
    if ((await this.deps.store.accounts.findByCookie(adopted.session)) !== null)
      throw new UserError('this token is already stored');
    const { user, discovery } = await this.#probe(adopted.session, 'the upstream rejected this token');
    const account = await this.deps.store.accounts.add({
      kind: 'cookie',
      cookie: adopted.session,
      cookieExpiresAt: adopted.expiresAt?.getTime() ?? null,
      ...options,
      upstream,
      state: 'active',
    });
    return { ...(await this.#save(account.id, user, discovery)), reloggedIn: false };
  }

  #checkUpstream(name: string | undefined): string {
    const upstream = name ?? DEFAULT_UPSTREAM;
    if (upstream !== DEFAULT_UPSTREAM && this.deps.upstreams?.has(upstream) !== true) {
      throw new UserError(`no upstream called ${upstream} is configured (see upstreams: in the config)`);
    }
    return upstream;
  }

  async #loginProbe(email: string, password: string, upstream: string = DEFAULT_UPSTREAM) {
    try {
      const credentials = { email, password };
      const login = await (this.deps.upstreams
        ? this.deps.upstreams.loginTo(upstream, credentials)
        : this.deps.adapter.login(credentials));
      return { login, discovery: await this.deps.adapter.discover(login.session) };
    } catch (err) {
      throw new UserError(`the upstream refused the login: ${describeFailure(err)}`);
    }
  }

  /** Change an account's label, concurrency limit or enabled flag (404 when unknown). */
  async configure(id: number, settings: AccountSettings): Promise<Account> {
    const patch = {
      ...(settings.label !== undefined ? { label: settings.label } : {}),
      ...(settings.maxConcurrency !== undefined ? { maxConcurrency: settings.maxConcurrency } : {}),
      ...(settings.enabled !== undefined ? { enabled: settings.enabled } : {}),
    };
    const account =
      Object.keys(patch).length > 0
        ? await this.deps.store.accounts.update(id, patch)
        : await this.deps.store.accounts.get(id);
    if (account === null) throw new NotFoundError(`no account with id ${id}`, { code: 'account_not_found' });
    await this.#changed(id);
    return account;
  }

  /** Remove an account and its cached models (usage rows stay); the removed account, 404 when unknown. */
  async remove(id: number): Promise<Account> {
    const account = await this.deps.store.accounts.get(id);
    if (account === null) throw new NotFoundError(`no account with id ${id}`, { code: 'account_not_found' });
    await this.deps.store.accounts.remove(id);
    await this.#changed(id);
    return account;
  }

  async #applyOptions(id: number, options: AccountOptions): Promise<void> {
    const patch = {
      ...(options.label !== undefined ? { label: options.label } : {}),
      ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
    };
    if (Object.keys(patch).length > 0) await this.deps.store.accounts.update(id, patch);
  }

  async #save(
    id: number,
    user: UpstreamUser,
    discovery: AccountDiscovery,
  ): Promise<Omit<AccountCheck, 'reloggedIn'>> {
    const result = await saveAccountCheck(this.deps.store, id, user, discovery, this.deps.now());
    await this.#changed(id);
    return result;
  }
}

function expiredOrThrow(err: unknown): null {
  if (isUpstreamFailure(err) && err.kind === 'session-expired') return null;
  throw err;
}
