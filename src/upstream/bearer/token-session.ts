import { z } from 'zod';
import { UpstreamFailure } from '../errors.js';

/** The tokens of one bearer-platform login. A secret: stored encrypted, never logged. */
export interface TokenState {
  access: string;
  /** Refresh token, on platforms that issue one (Runtime API). */
  refresh: string | null;
  /** When the access token ends (ms since epoch), when known. */
  expiresAt: number | null;
}

const PREFIX = 'rp1.';
const stored = z.object({ a: z.string().min(1), r: z.string().nullable(), e: z.number().nullable() });

/**
 * Session strings of bearer-platform accounts: `rp1.<upstream>.<base64url JSON>`. The upstream
 * name inside lets the multi-upstream router send every call of a stored session to the adapter
 * that made it; MonkeyCode sessions are bare cookie values and never start with `rp1.`.
 */
export function encodeSession(upstream: string, state: TokenState): string {
  const json = JSON.stringify({ a: state.access, r: state.refresh, e: state.expiresAt });
  return `${PREFIX}${upstream}.${Buffer.from(json, 'utf8').toString('base64url')}`;
}

/** The upstream name a session string belongs to, or null for a bare (MonkeyCode) session. */
export function sessionUpstream(session: string): string | null {
  if (!session.startsWith(PREFIX)) return null;
  const end = session.indexOf('.', PREFIX.length);
  return end < 0 ? null : session.slice(PREFIX.length, end);
}

/** The tokens inside a session string made by `encodeSession`; a malformed one is an expired session. */
export function decodeSession(session: string): TokenState {
  const upstream = sessionUpstream(session);
  if (upstream !== null) {
    const payload = session.slice(PREFIX.length + upstream.length + 1);
    try {
      const parsed = stored.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      if (parsed.success) return { access: parsed.data.a, refresh: parsed.data.r, expiresAt: parsed.data.e };
    } catch {
      // falls through to the failure below
    }
  }
  throw new UpstreamFailure('session-expired', 'stored session is not a bearer-token session');
}

const jwtClaims = z.looseObject({
  exp: z.number().optional(),
  sub: z.union([z.string(), z.number()]).optional(),
});

/** `exp` (as ms) and `sub` of a JWT, read without verifying it; nulls when it is not a JWT. */
export function jwtClaimsOf(token: string): { expiresAt: number | null; subject: string | null } {
  const part = token.split('.')[1];
  if (part === undefined) return { expiresAt: null, subject: null };
  try {
    const parsed = jwtClaims.safeParse(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    if (!parsed.success) return { expiresAt: null, subject: null };
    return {
      expiresAt: parsed.data.exp === undefined ? null : parsed.data.exp * 1000,
      subject: parsed.data.sub === undefined ? null : String(parsed.data.sub),
    };
  } catch {
    return { expiresAt: null, subject: null };
  }
}
