import { isIP } from 'node:net';
import type { Config } from '../config/index.js';
import { UserError } from '../util/errors.js';

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare.startsWith('::ffff:127.');
}

/**
 * docs/architecture.md §1 security default: bound beyond loopback, relaypool refuses to start unless client
 * API keys and an admin token are both configured.
 */
export function checkBindPolicy(config: Config): void {
  if (isLoopbackHost(config.server.host)) return;
  const missing: string[] = [];
  if (config.auth.apiKeys.length === 0) missing.push('client API keys (RELAYPOOL_API_KEYS or auth.apiKeys)');
  if (config.auth.adminToken === null)
    missing.push('an admin token (RELAYPOOL_ADMIN_TOKEN or auth.adminToken)');
  if (missing.length > 0) {
    throw new UserError(
      `refusing to listen on ${config.server.host}, which is not a loopback address, without ${missing.join(' and ')}; set them or bind to 127.0.0.1`,
    );
  }
}
