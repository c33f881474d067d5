import { isUpstreamFailure } from '../errors.js';
import type { Clock } from '../../util/timing.js';
import { decodeSession, type TokenState } from './token-session.js';

/** Exchanges a refresh token for new tokens; absent on platforms without refresh tokens. */
export type RefreshTokens = (refreshToken: string) => Promise<TokenState>;

interface Entry {
  state: TokenState;
  refreshing: Promise<TokenState> | null;
}

/** Most stored sessions a keeper remembers (least recently used dropped first). */
const MAX_ENTRIES = 1000;

/**
 * The live tokens behind stored sessions. The pool hands adapters the session string it stored;
 * when a platform rotates tokens on refresh, the newest pair lives here, keyed by that string.
 * A token within `marginMs` of its end is refreshed before use; refreshes of one session are
 * single-flight; a call that meets a 401 is refreshed and retried once. Without a refresh token
 * (or when the refresh is refused) the failure is `session-expired`, so the pool logs in again.
 */
export class TokenKeeper {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly marginMs: number,
    private readonly refreshTokens: RefreshTokens | null,
  ) {}

  /** Run `call` with a live access token of `session`; one refresh-and-retry on `session-expired`. */
  async withToken<T>(session: string, call: (token: string) => Promise<T>): Promise<T> {
    const entry = this.#entry(session);
    const token = await this.#fresh(entry);
    try {
      return await call(token);
    } catch (err) {
      if (!isUpstreamFailure(err) || err.kind !== 'session-expired' || !this.#canRefresh(entry)) throw err;
      const renewed = entry.state.access === token ? await this.#refresh(entry) : entry.state;
      return call(renewed.access);
    }
  }

  /** The current tokens of `session` (refreshed when due). */
  async current(session: string): Promise<TokenState> {
    const entry = this.#entry(session);
    await this.#fresh(entry);
    return entry.state;
  }

  /** Forget a session (after logout). */
  forget(session: string): void {
    this.#entries.delete(session);
  }

  #entry(session: string): Entry {
    let entry = this.#entries.get(session);
    if (entry === undefined) {
      entry = { state: decodeSession(session), refreshing: null };
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value ?? '');
    } else {
      this.#entries.delete(session);
    }
    this.#entries.set(session, entry);
    return entry;
  }

  async #fresh(entry: Entry): Promise<string> {
    const { expiresAt } = entry.state;
    if (expiresAt !== null && this.clock.now() >= expiresAt - this.marginMs && this.#canRefresh(entry)) {
      return (await this.#refresh(entry)).access;
    }
    return entry.state.access;
  }

  #canRefresh(entry: Entry): boolean {
    return this.refreshTokens !== null && entry.state.refresh !== null;
  }

  #refresh(entry: Entry): Promise<TokenState> {
    if (entry.refreshing !== null) return entry.refreshing;
    const refreshToken = entry.state.refresh;
    if (this.refreshTokens === null || refreshToken === null) return Promise.resolve(entry.state);
    entry.refreshing = this.refreshTokens(refreshToken)
      .then((state) => {
        entry.state = state;
        return state;
      })
      .finally(() => {
        entry.refreshing = null;
      });
    return entry.refreshing;
  }
}
