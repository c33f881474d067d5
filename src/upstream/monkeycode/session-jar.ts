import { CookieJar } from 'tough-cookie';
import { UpstreamFailure } from '../errors.js';
import { parseSessionCookie, SESSION_COOKIE_NAME } from './session-cookie.js';

/**
 * One account's cookies (tough-cookie). Holds the session cookie plus whatever else the server or
 * its edge sets, and sends them back on every HTTP call and WebSocket handshake.
 */
export class SessionJar {
  readonly #jar = new CookieJar();
  readonly #origin: URL;
  /** The `Cookie` header for this origin, while it is the same for every API URL (see `cookieHeader`). */
  #header: { value: string; validUntil: number } | null = null;
  /** Bumped whenever cookies change, so a header computed before the change is not cached. */
  #generation = 0;

  constructor(origin: URL) {
    this.#origin = new URL(origin.origin);
  }

  /** A jar holding the session cookie `session` (a bare value or a pasted cookie line). */
  static withSession(origin: URL, session: string): SessionJar {
    const jar = new SessionJar(origin);
    let value: string;
    try {
      value = parseSessionCookie(session);
    } catch (err) {
      // The stored session is unusable; treat it like an expired one (never echo the value).
      throw new UpstreamFailure('session-expired', 'stored session cookie has an unexpected format', {
        cause: err instanceof Error ? new Error(err.message) : undefined,
      });
    }
    jar.#jar.setCookieSync(`${SESSION_COOKIE_NAME}=${value}; Path=/`, jar.#origin);
    return jar;
  }

  /**
   * `Cookie` header value for a request to `url` ('' when there is nothing to send). Every REST
   * call and socket handshake needs it, so it is reused for up to a minute while every cookie of
   * the origin applies to every path (the normal case: `Path=/`), until cookies change or expire.
   */
  cookieHeader(url: URL): Promise<string> {
    const target = httpUrlOf(url);
    if (target.origin !== this.#origin.origin) return this.#jar.getCookieString(target);
    const cached = this.#header;
    if (cached !== null && Date.now() < cached.validUntil) return Promise.resolve(cached.value);
    return this.#originHeader(target);
  }

  /** Remember the `Set-Cookie` headers of a response from `url`; malformed ones are ignored. */
  async store(setCookieHeaders: readonly string[], url: URL): Promise<void> {
    if (setCookieHeaders.length === 0) return;
    this.#changed();
    for (const header of setCookieHeaders) {
      await this.#jar.setCookie(header, httpUrlOf(url), { ignoreError: true });
    }
    this.#changed();
  }

  #changed(): void {
    this.#generation += 1;
    this.#header = null;
  }

  async #originHeader(target: URL): Promise<string> {
    const generation = this.#generation;
    const value = await this.#jar.getCookieString(target);
    const cookies = await this.#jar.getCookies(target, { allPaths: true });
    if (generation === this.#generation && cookies.every((cookie) => (cookie.path ?? '/') === '/')) {
      const expiries = cookies
        .map((cookie) => cookie.expiryTime())
        .filter((at): at is number => at !== undefined);
      this.#header = { value, validUntil: Math.min(Date.now() + HEADER_REUSE_MS, ...expiries) };
    }
    return value;
  }

  /** The current session cookie value, or null when there is none (e.g. after logout). */
  async sessionValue(): Promise<string | null> {
    const cookies = await this.#jar.getCookies(this.#origin);
    return cookies.find((cookie) => cookie.key === SESSION_COOKIE_NAME)?.value || null;
  }
}

const HEADER_REUSE_MS = 60_000;

// Cookies are scoped by host and path; ws(s) URLs share them with http(s).
function httpUrlOf(url: URL): URL {
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return url;
  const copy = new URL(url.href);
  copy.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return copy;
}

/** A bounded cache of jars keyed by session value, so extra cookies survive between calls. */
export class SessionJars {
  readonly #jars = new Map<string, SessionJar>();
  readonly #origin: URL;
  readonly #capacity: number;

  constructor(origin: URL, capacity = 512) {
    this.#origin = origin;
    this.#capacity = capacity;
  }

  /** The jar of `session`, creating it on first use. */
  get(session: string): SessionJar {
    const existing = this.#jars.get(session);
    if (existing) {
      this.#jars.delete(session);
      this.#jars.set(session, existing);
      return existing;
    }
    const jar = SessionJar.withSession(this.#origin, session);
    this.#jars.set(session, jar);
    if (this.#jars.size > this.#capacity) {
      const oldest = this.#jars.keys().next();
      if (!oldest.done) this.#jars.delete(oldest.value);
    }
    return jar;
  }

  /** Adopt a jar (after login) under its session value. */
  adopt(session: string, jar: SessionJar): void {
    this.#jars.set(session, jar);
  }

  /** Forget a session (after logout or expiry). */
  forget(session: string): void {
    this.#jars.delete(session);
  }
}
