import type { Account, Store } from '../store/index.js';
import { isUpstreamFailure } from '../upstream/errors.js';
import type { AccountDiscovery, UpstreamAdapter, UpstreamUser } from '../upstream/types.js';
import { NotFoundError, UserError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

export interface AccountServiceDeps {
  store: Store;
  adapter: UpstreamAdapter;
  logger: Logger;
  now: () => number;
}

/** What checking an account against the upstream found. */
export interface AccountCheck {
  account: Account;
  user: UpstreamUser;
  discovery: AccountDiscovery;
  /** True when the check needed a fresh password login. */
  reloggedIn: boolean;
}

function describe(err: unknown): string {
  return isUpstreamFailure(err) ? `${err.message} (${err.kind})` : err instanceof Error ? err.message : String(err);
}

/**
 * Adding and checking upstream accounts: the one implementation behind the CLI (and, later, the
 * admin API). A cookie or password the upstream rejects is never stored.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** Validate a pasted session cookie upstream, then store it with its models. */
  async addCookie(cookie: string, options: { label?: string; maxConcurrency?: number } = {}): Promise<AccountCheck> {
    const { adapter } = this.deps;
    const known = this.deps.store.accounts.findByCookie(cookie);
    if (known !== null) throw new UserError(`this cookie is already stored as account ${known.id} (${known.label})`);
    let user: UpstreamUser;
    let discovery: AccountDiscovery;
    try {
      user = await adapter.validateSession(cookie);
      discovery = await adapter.discover(cookie);
    } catch (err) {
      throw new UserError(`the upstream rejected this cookie: ${describe(err)}`);
    }
    const account = this.deps.store.accounts.add({
      kind: 'cookie',
      cookie,
      label: options.label,
      maxConcurrency: options.maxConcurrency,
      state: 'active',
    });
    return { ...this.#saveCheck(account.id, user, discovery), reloggedIn: false };
  }

  /** Log in with email and password (solving the captcha proof-of-work), then store the account. */
  async addPassword(email: string, password: string, options: { label?: string; maxConcurrency?: number } = {}): Promise<AccountCheck> {
    const known = this.deps.store.accounts.findByEmail(email);
    if (known !== null) throw new UserError(`${email} is already stored as account ${known.id} (${known.label})`);
    let login;
    let discovery: AccountDiscovery;
    try {
      login = await this.deps.adapter.login({ email, password });
      discovery = await this.deps.adapter.discover(login.session);
    } catch (err) {
      throw new UserError(`the upstream refused the login: ${describe(err)}`);
    }
    const account = this.deps.store.accounts.add({
      kind: 'password',
      email,
      password,
      cookie: login.session,
      cookieObtainedAt: this.deps.now(),
      cookieExpiresAt: login.expiresAt?.getTime() ?? null,
      label: options.label,
      maxConcurrency: options.maxConcurrency,
      state: 'active',
    });
    return { ...this.#saveCheck(account.id, login.user, discovery), reloggedIn: true };
  }

  /**
   * Re-validate a stored account; a password account whose session is dead logs in again. On
   * failure the account's state says why (`expired` / `invalid`) and the error is rethrown.
   */
  async refresh(id: number): Promise<AccountCheck> {
    const { store, adapter } = this.deps;
    const account = store.accounts.get(id);
    if (account === null) throw new NotFoundError(`no account with id ${id}`, { code: 'account_not_found' });
    const secrets = store.accounts.getSecrets(id);
    let session = secrets?.cookie ?? null;
    let reloggedIn = false;
    try {
      let user: UpstreamUser | null = null;
      if (session !== null) user = await adapter.validateSession(session).catch((err: unknown) => this.#expiredOrThrow(err));
      if (user === null) {
        if (account.kind !== 'password' || !secrets?.password || account.email === null) {
          throw new UserError('the session has expired; paste a fresh cookie');
        }
        const login = await adapter.login({ email: account.email, password: secrets.password });
        store.accounts.setCookie(id, login.session, { obtainedAt: this.deps.now(), expiresAt: login.expiresAt?.getTime() ?? null });
        session = login.session;
        user = login.user;
        reloggedIn = true;
      }
      const discovery = await adapter.discover(session ?? '');
      return { ...this.#saveCheck(id, user, discovery), reloggedIn };
    } catch (err) {
      const failure = isUpstreamFailure(err) ? err : null;
      const state = failure?.scope === 'account-invalid' ? 'invalid' : failure === null || failure.scope === 'session-expired' ? 'expired' : account.state;
      store.accounts.update(id, { state, lastError: describe(err), lastCheckedAt: this.deps.now() });
      throw err instanceof UserError ? err : new UserError(`account ${id} (${account.label}): ${describe(err)}`);
    }
  }

  #expiredOrThrow(err: unknown): null {
    if (isUpstreamFailure(err) && err.kind === 'session-expired') return null;
    throw err;
  }

  #saveCheck(id: number, user: UpstreamUser, discovery: AccountDiscovery): Omit<AccountCheck, 'reloggedIn'> {
    const { store } = this.deps;
    store.models.replaceForAccount(
      id,
      discovery.allowedModels.map((model) => ({
        upstreamId: model.id,
        name: model.name,
        remark: model.displayName,
        accessLevel: model.accessLevel,
        isFree: model.isFree ?? false,
        interfaceType: model.interfaceType ?? '',
        contextLimit: model.contextLimit,
        outputLimit: model.outputLimit,
        thinkingEnabled: model.thinking,
        weight: model.weight,
        isDefault: model.isDefault,
      })),
    );
    const account = store.accounts.update(id, {
      state: 'active',
      lastError: null,
      cooldownUntil: null,
      lastCheckedAt: this.deps.now(),
      upstreamUserId: user.id,
      upstreamUserName: user.name,
      plan: discovery.plan,
    });
    if (account === null) throw new NotFoundError(`account ${id} disappeared`, { code: 'account_not_found' });
    return { account, user, discovery };
  }
}
