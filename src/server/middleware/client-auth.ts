import type { MiddlewareHandler } from 'hono';
import { AuthenticationError } from '../../util/errors.js';
import '../client-key-hash.js';
import type { RemoteAddress } from './admin-guard.js';
import type { FailureThrottle } from './failure-throttle.js';
import { bearerToken, matchSecret } from './same-secret.js';

/** What the `/v1/*` guard needs. */
export interface ClientAuthOptions {
  /** Accepted client keys; empty: every request is let in (bind policy keeps that to loopback). */
  apiKeys: readonly string[];
  /** Keyed hash of a key (never the key itself): what scopes the request's data. */
  hashKey: (apiKey: string) => string;
  throttle: FailureThrottle;
  remoteAddress: RemoteAddress;
}

/**
 * Guard for `/v1/*` (docs/architecture.md §1): with API keys configured, `Authorization: Bearer <key>` or
 * `x-api-key: <key>` must name one of them (401 `invalid_api_key` otherwise; repeated failures
 * from one address get 429). Sets `clientKeyHash` for conversation and usage scoping.
 */
export function clientAuth(options: ClientAuthOptions): MiddlewareHandler {
  const hashes = new Map<string, string>();
  const hashOf = (key: string): string => {
    let hash = hashes.get(key);
    if (hash === undefined) hashes.set(key, (hash = options.hashKey(key)));
    return hash;
  };
  return async function authenticateClient(c, next) {
    if (options.apiKeys.length === 0) {
      c.set('clientKeyHash', null);
      return next();
    }
    const address = options.remoteAddress(c) ?? 'unknown';
    options.throttle.check(address);
    const given = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key')?.trim() ?? '';
    const key = given === '' ? null : matchSecret(given, options.apiKeys);
    if (key === null) {
      options.throttle.fail(address);
      throw new AuthenticationError(
        given === ''
          ? 'missing API key: send Authorization: Bearer <key> or x-api-key: <key>'
          : 'incorrect API key provided',
        { code: 'invalid_api_key' },
      );
    }
    options.throttle.succeed(address);
    c.set('clientKeyHash', hashOf(key));
    return next();
  };
}
