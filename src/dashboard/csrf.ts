import type { Context } from 'hono';
import { sameSecret } from '../server/middleware/same-secret.js';

/** The form field that carries the CSRF token in a plain form post. */
export const CSRF_FIELD = '_csrf';
/** The header that carries it in a script's request. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * True when a state-changing request comes from a page of this server: its `Origin` names the
 * host the request was sent to, or — from a browser that sent no Origin — `Sec-Fetch-Site` says
 * `same-origin`. A request with neither (not a browser) is refused: the dashboard is for browsers.
 */
export function fromSameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return c.req.header('sec-fetch-site') === 'same-origin';
  const host = c.req.header('host')?.toLowerCase();
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // `null` (opaque origins) and anything that is no URL
  }
}

/**
 * The CSRF check of every state-changing dashboard request: same origin, and the session's token
 * in the `x-csrf-token` header or the `_csrf` form field (compared in constant time).
 */
export async function passesCsrf(c: Context, csrfToken: string): Promise<boolean> {
  if (!fromSameOrigin(c)) return false;
  let given = c.req.header(CSRF_HEADER);
  if (
    given === undefined &&
    /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')
  ) {
    const field = (await c.req.parseBody())[CSRF_FIELD];
    if (typeof field === 'string') given = field;
  }
  return given !== undefined && sameSecret(given, csrfToken);
}
