import { createHash, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { AuthenticationError, PermissionError } from '../../util/errors.js';
import { isLoopbackHost } from '../bind-policy.js';

/** How the guard learns the client's address (injectable for in-process tests). */
export type RemoteAddress = (c: Context) => string | null;

/** The TCP peer address from @hono/node-server, or null when there is no socket (in-process requests). */
export function socketAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison (hashing first makes the time independent of both lengths). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Guard for `/admin/*` (design §1): with an admin token, `Authorization: Bearer <token>` is
 * required (401 otherwise); without one, only loopback clients get in (403 otherwise).
 */
export function adminGuard(adminToken: string | null, remoteAddress: RemoteAddress = socketAddress): MiddlewareHandler {
  return async function guardAdmin(c, next) {
    if (adminToken === null) {
      const address = remoteAddress(c);
      if (address === null || !isLoopbackHost(address)) {
        throw new PermissionError('admin endpoints are open to loopback clients only while no admin token is configured', {
          code: 'admin_loopback_only',
        });
      }
    } else {
      const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
      if (match?.[1] === undefined || !sameSecret(match[1].trim(), adminToken)) {
        throw new AuthenticationError('a valid admin token is required: Authorization: Bearer <token>', { code: 'invalid_admin_token' });
      }
    }
    await next();
  };
}
