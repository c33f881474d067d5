import { cookieCompare, CookieJar, type Cookie } from 'tough-cookie';
import { systemClock, type Clock } from '../../util/timing.js';
import { UpstreamFailure } from '../errors.js';
import { parseSessionCookie, SESSION_COOKIE_NAME } from './session-cookie.js';

/**
 * One account's cookies (tough-cookie). Holds the session cookie plus whatever else the server or
 * its edge sets, and sends them back on every HTTP call and WebSocket handshake. Expiry is judged
 * here by `clock`: tough-cookie's own check reads the system time (see `expiresAt`).
 */
export class SessionJar {
  readonly #jar = new CookieJar();
  readonly #origin: URL;
  readonly #clock: Clock;
  /** The `Cookie` header for this origin, while it is the same for every API URL (see `cookieHeader`). */
  #header: { value: string; validUntil: number } | null = null;
  /** Bumped whenever cookies change, so a header computed before the change is not cached. */
  #generation = 0;

  constructor(origin: URL, clock: Clock = systemClock) {
    this.#origin = new URL(origin.origin);
    this.#clock = clock;
  }

  /** A jar holding the session cookie `session` (a bare value or a pasted cookie line). */
  static withSession(origin: URL, session: string, clock: Clock = systemClock): SessionJar {
    const jar = new SessionJar(origin, clock);
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
    if (target.origin !== this.#origin.origin) return this.#cookieString(target);
    const cached = this.#reusableHeader();
    return cached === null ? this.#originHeader(target) : Promise.resolve(cached);
  }

  /**
   * The reused `Cookie` header (see `cookieHeader`) when a request to `origin` may take it, else
   * null: lets a REST call skip building a URL and awaiting.
   */
  reusableCookieHeader(origin: string): string | null {
    return origin === this.#origin.origin ? this.#reusableHeader() : null;
  }

  #reusableHeader(): string | null {
    const cached = this.#header;
    return cached !== null && this.#clock.now() < cached.validUntil ? cached.value : null;
  }

  /** Remember the `Set-Cookie` headers of a response from `url`; malformed ones are ignored. */
  async store(setCookieHeaders: readonly string[], url: URL): Promise<void> {
    if (setCookieHeaders.length === 0) return;
    this.#changed();
    const now = new Date(this.#clock.now()); // Max-Age counts from here
    for (const header of setCookieHeaders) {
      await this.#jar.setCookie(header, httpUrlOf(url), { ignoreError: true, now });
    }
    this.#changed();
  }

  #changed(): void {
    this.#generation += 1;
    this.#header = null;
  }

  async #originHeader(target: URL): Promise<string> {
    const generation = this.#generation;
    const value = await this.#cookieString(target);
    const cookies = this.#live(await this.#jar.getCookies(target, { allPaths: true, expire: false }));
    if (generation === this.#generation && cookies.every((cookie) => (cookie.path ?? '/') === '/')) {
      const expiries = cookies.map(expiresAt).filter((at): at is number => at !== undefined);
      this.#header = { value, validUntil: Math.min(this.#clock.now() + HEADER_REUSE_MS, ...expiries) };
    }
    return value;
  }

  /** What `CookieJar.getCookieString` builds, with expiry by `clock`. */
  async #cookieString(target: URL): Promise<string> {
    const cookies = this.#live(await this.#jar.getCookies(target, { expire: false }));
    return cookies
      .sort(cookieCompare)
      .map((cookie) => cookie.cookieString())
      .join('; ');
  }

  #live(cookies: Cookie[]): Cookie[] {
    const now = this.#clock.now();
    return cookies.filter((cookie) => (expiresAt(cookie) ?? Infinity) > now);
  }

  /** The current session cookie value, or null when there is none (e.g. after logout). */
  async sessionValue(): Promise<string | null> {
    const cookies = this.#live(await this.#jar.getCookies(this.#origin, { expire: false }));
    return cookies.find((cookie) => cookie.key === SESSION_COOKIE_NAME)?.value || null;
  }
}

const HEADER_REUSE_MS = 60_000;

/**
 * When a cookie expires: Max-Age counts from when it was received (RFC 6265 §5.2.2). tough-cookie
 * counts it from the last access, which every lookup moves, so the creation time is passed in.
 */
function expiresAt(cookie: Cookie): number | undefined {
  return cookie.expiryTime(cookie.creation instanceof Date ? cookie.creation : undefined);
}

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

  readonly #clock: Clock;

  constructor(origin: URL, capacity = 512, clock: Clock = systemClock) {
    this.#origin = origin;
    this.#capacity = capacity;
    this.#clock = clock;
  }

  /** The jar of `session`, creating it on first use. */
  get(session: string): SessionJar {
    const existing = this.#jars.get(session);
    if (existing) {
      this.#jars.delete(session);
      this.#jars.set(session, existing);
      return existing;
    }
    const jar = SessionJar.withSession(this.#origin, session, this.#clock);
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
