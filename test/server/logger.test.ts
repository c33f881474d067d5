import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureLogger } from '../support/log-capture.js';

test('cookies, passwords, tokens and authorization headers never reach the log output', () => {
  const log = captureLogger();
  const cookie = 'monkeycode_ai_session=4f1c2b9e-cookie-value-never-logged';
  log.logger.info(
    {
      cookie,
      headers: { cookie, 'set-cookie': [cookie], authorization: 'Bearer sk-never-logged' },
      req: { headers: { cookie, authorization: 'Bearer sk-never-logged' } },
      account: { password: 'hunter2-never-logged', token: 'tok-never-logged' },
      deep: { a: { b: { apiKey: 'key-never-logged' } } },
    },
    'an event',
  );
  log.logger
    .child({ accountId: 1 })
    .warn({ upstream: { response: { headers: { 'set-cookie': cookie } } } }, 'nested');
  const out = log.text();
  assert.match(out, /an event/);
  for (const secret of [
    'cookie-value-never-logged',
    'sk-never-logged',
    'hunter2',
    'tok-never-logged',
    'key-never-logged',
  ]) {
    assert.ok(!out.includes(secret), `log output contains ${secret}`);
  }
  assert.match(out, /\[redacted\]/);
});
