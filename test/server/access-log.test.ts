import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { accessLog } from '../../src/server/middleware/access-log.js';
import { fixedFieldLogger } from '../../src/util/logger.js';
import { captureLogger } from '../support/log-capture.js';

test('the access log writes one line per request with its fixed fields', async () => {
  const log = captureLogger('info');
  const app = new Hono();
  app.use('*', requestId());
  app.use(
    '*',
    accessLog(log.logger, () => 5),
  );
  app.get('/x', (c) => c.text('ok', 201));
  await app.request('/x?token=secret-in-query', {
    headers: { 'x-request-id': 'rid-7', authorization: 'Bearer sk-never-logged' },
  });
  const lines = log.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, 1);
  assert.deepEqual(
    {
      reqId: lines[0]?.reqId,
      method: lines[0]?.method,
      path: lines[0]?.path,
      status: lines[0]?.status,
      ms: lines[0]?.ms,
      msg: lines[0]?.msg,
    },
    { reqId: 'rid-7', method: 'GET', path: '/x', status: 201, ms: 0, msg: 'request' },
  );
  assert.ok(!log.text().includes('secret-in-query') && !log.text().includes('sk-never-logged'));
});

test('a fixed-field child leaves redaction on for its parent and every other child', () => {
  const log = captureLogger('info');
  fixedFieldLogger(log.logger).info({ path: '/v1/models' }, 'plain');
  log.logger.info({ cookie: 'c-never-logged' }, 'root');
  log.logger.child({ component: 'pool' }).info({ deep: { password: 'p-never-logged' } }, 'child');
  const out = log.text();
  assert.match(out, /"path":"\/v1\/models"/);
  assert.ok(!out.includes('c-never-logged') && !out.includes('p-never-logged'));
  assert.equal(out.match(/\[redacted\]/g)?.length, 2);
});
