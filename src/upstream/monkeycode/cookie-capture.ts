import { Cookie } from 'tough-cookie';
import { SESSION_COOKIE_NAME } from './session-cookie.js';

/** A session cookie the server handed out. `value` is a secret. */
export interface CapturedSession {
  value: string;
  /** From `Max-Age` (preferred, relative to `now`) or `Expires`; null for a browser-session cookie. */
  expiresAt: Date | null;
}

/**
 * Find the `monkeycode_ai_session` cookie among `Set-Cookie` header values (docs/monkeycode-protocol.md §2.1/§2.2:
 * `Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`). Returns null when it is absent or is a
 * deletion (`Max-Age=0` / empty value, as logout sends, docs/monkeycode-protocol.md §2.5).
 */
export function captureSessionCookie(
  setCookieHeaders: readonly string[],
  now: number,
): CapturedSession | null {
  let captured: CapturedSession | null = null;
  for (const header of setCookieHeaders) {
    const cookie = Cookie.parse(header, { loose: false });
    if (!cookie || cookie.key !== SESSION_COOKIE_NAME) continue;
    const expiresAt = expiryOf(cookie, now);
    const deleted = cookie.value === '' || (expiresAt !== null && expiresAt.getTime() <= now);
    captured = deleted ? null : { value: cookie.value, expiresAt };
  }
  return captured;
}

function expiryOf(cookie: Cookie, now: number): Date | null {
  const { maxAge, expires } = cookie;
  if (typeof maxAge === 'number') return new Date(now + maxAge * 1000);
  if (maxAge === '-Infinity') return new Date(0);
  if (maxAge === 'Infinity') return null;
  return expires instanceof Date ? expires : null;
}
