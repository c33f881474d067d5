import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { checkBindPolicy, isLoopbackHost } from '../../src/server/bind-policy.js';
import { UserError } from '../../src/util/errors.js';

const config = (env: Record<string, string>) => loadConfig({ env, cwd: '/nonexistent-dir-for-tests' }).config;

test('loopback detection', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
    assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com'])
    assert.ok(!isLoopbackHost(host), host);
});

test('binding beyond loopback needs API keys and an admin token, and says which are missing', () => {
  assert.doesNotThrow(() => checkBindPolicy(config({})));
  assert.throws(
    () => checkBindPolicy(config({ RELAYPOOL_HOST: '0.0.0.0' })),
    (err: unknown) =>
      err instanceof UserError &&
      /RELAYPOOL_API_KEYS/.test(err.message) &&
      /RELAYPOOL_ADMIN_TOKEN/.test(err.message),
  );
  assert.throws(
    () => checkBindPolicy(config({ RELAYPOOL_HOST: '0.0.0.0', RELAYPOOL_API_KEYS: 'k' })),
    (err: unknown) =>
      err instanceof UserError &&
      !/RELAYPOOL_API_KEYS/.test(err.message) &&
      /RELAYPOOL_ADMIN_TOKEN/.test(err.message),
  );
  assert.doesNotThrow(() =>
    checkBindPolicy(
      config({ RELAYPOOL_HOST: '0.0.0.0', RELAYPOOL_API_KEYS: 'k', RELAYPOOL_ADMIN_TOKEN: 't' }),
    ),
  );
});
