import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { UpstreamLogger } from '../../src/upstream/logger.js';
import { createMonkeyCodeAdapter } from '../../src/upstream/monkeycode/index.js';

test('a pino logger satisfies the upstream logger interface', () => {
  const logger: UpstreamLogger = pino({ level: 'silent' });
  const adapter = createMonkeyCodeAdapter({ baseUrl: 'http://127.0.0.1:1', logger });
  assert.equal(adapter.platform, 'monkeycode');
});
