import { Cookie } from 'tough-cookie';

/** Name of the MonkeyCode user session cookie (docs/monkeycode-protocol.md §2.1). */
export const SESSION_COOKIE_NAME = 'monkeycode_ai_session';

const VALUE_PATTERN = /^[A-Za-z0-9._~+/=-]{8,512}$/;

/**
 * Extract the session value from what an operator pastes: the bare value,
 * `monkeycode_ai_session=<value>`, a whole `Cookie:` line, or a `Set-Cookie:` line.
 * Throws a plain `Error` with a one-line reason when no usable value is found.
 */
export function parseSessionCookie(input: string): string {
  let text = input.trim().replace(/^(set-)?cookie:\s*/i, '');
  if (text.length === 0) throw new Error('cookie is empty');
  const pairs = text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const named = pairs.find((pair) => pair.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (named !== undefined) {
    text = named.slice(SESSION_COOKIE_NAME.length + 1).trim();
  } else if (pairs.length === 1 && !pairs[0]!.includes('=')) {
    text = pairs[0]!;
  } else {
    throw new Error(`no ${SESSION_COOKIE_NAME} cookie found in the input`);
  }
  text = text.replace(/^"(.*)"$/, '$1');
  if (text.length === 0) throw new Error(`${SESSION_COOKIE_NAME} is empty (a logout cookie?)`);
  if (!VALUE_PATTERN.test(text)) throw new Error(`${SESSION_COOKIE_NAME} value has an unexpected format`);
  return text;
}

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
