import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { AuthenticationError, PermissionError } from '../../util/errors.js';
import { isLoopbackHost } from '../bind-policy.js';
import type { FailureThrottle } from './failure-throttle.js';
import { bearerToken, sameSecret } from './same-secret.js';

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

/**
 * Guard for `/admin/*` and `/metrics` (docs/architecture.md §1): with an admin token, `Authorization: Bearer
 * <token>` is required (401 otherwise; with a `throttle`, repeated failures from one address get
 * 429 + Retry-After); without one, only loopback clients get in (403 otherwise).
 */
export function adminGuard(
  adminToken: string | null,
  remoteAddress: RemoteAddress = socketAddress,
  throttle?: FailureThrottle,
): MiddlewareHandler {
  return async function guardAdmin(c, next) {
    const address = remoteAddress(c);
    if (adminToken === null) {
      if (address === null || !isLoopbackHost(address)) {
        throw new PermissionError(
          'admin endpoints are open to loopback clients only while no admin token is configured',
          {
            code: 'admin_loopback_only',
          },
        );
      }
    } else {
      throttle?.check(address ?? 'unknown');
      const given = bearerToken(c.req.header('authorization'));
      if (given === null || !sameSecret(given, adminToken)) {
        throttle?.fail(address ?? 'unknown');
        throw new AuthenticationError('a valid admin token is required: Authorization: Bearer <token>', {
          code: 'invalid_admin_token',
        });
      }
      throttle?.succeed(address ?? 'unknown');
    }
    await next();
  };
}
