import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/server/app.js';
import type { buildPoolReport } from '../../src/pool/pool-report.js';
import { summarizePool } from '../../src/pool/status.js';
import { captureLogger } from '../support/log-capture.js';
import { cliSandbox } from '../support/cli-run.js';
import { startHarness } from '../support/proxy-harness.js';

describe('GET /admin/pool/status', () => {
  test('from loopback without an admin token: counts, the queue and per-account rows, no secrets; the CLI prints the same', async () => {
    const h = await startHarness({ accounts: 2 });
    try {
      await h.server.services.store.accounts.update(2, { enabled: false });
      const res = await fetch(`${h.server.url}/admin/pool/status`);
      assert.equal(res.status, 200);
      const text = await res.text();
      const body = JSON.parse(text) as Record<string, unknown> & { accounts: Array<Record<string, unknown>> };
      for (const key of [
        'mode',
        'total',
        'active',
        'expired',
        'invalid',
        'locked',
        'cooling',
        'disabled',
        'queued',
      ])
        assert.ok(key in body, key);
      assert.equal(body.mode, 'pool');
      assert.equal(body.total, 2);
      assert.equal(body.active, 1);
      assert.equal(body.disabled, 1);
      assert.equal(body.queued, 0);
      assert.deepEqual(
        body.accounts.map((a) => a.status),
        ['active', 'disabled'],
      );
      assert.deepEqual(Object.keys(body.accounts[0]!).sort(), [
        'cookieExpiresAt',
        'cooldownUntil',
        'elsewhere',
        'id',
        'idleTasks',
        'inFlight',
        'kind',
        'label',
        'lastCheckedAt',
        'lastError',
        'maxConcurrency',
        'modelCooldowns',
        'plan',
        'status',
        'upstream',
      ]);
      for (const account of await h.server.services.store.accounts.list()) {
        const cookie = (await h.server.services.store.accounts.getSecrets(account.id))?.cookie ?? 'none';
        assert.ok(!text.includes(cookie), 'no cookie in the status');
      }
      using box = cliSandbox({
        RELAYPOOL_DB: h.server.services.config.store.db,
        RELAYPOOL_SECRET_KEY: 'contract-test-key',
      });
      const json = await box.run('pool', 'status', '--json');
      assert.equal(json.code, 0, json.stderr);
      const fromCli = JSON.parse(json.stdout) as Record<string, unknown>;
      assert.deepEqual({ ...fromCli, queued: 0 }, body);
      const table = await box.run('pool', 'status');
      assert.match(
        table.stdout,
        /MODE\s+TOTAL\s+ACTIVE\s+EXPIRED\s+INVALID\s+LOCKED\s+COOLING\s+DISABLED\s+UNVERIFIED\s+INFLIGHT\s+IDLE\s+QUEUED\n/,
      );
      assert.match(
        table.stdout,
        /ID\s+LABEL\s+STATUS\s+SLOTS\s+IDLE\s+COOLING FOR\s+RESTING MODELS\s+SESSION ENDS\s+LAST ERROR\n1\s+acc0\s+active\s+0\/1\s+0/,
      );
    } finally {
      await h.close();
    }
  });

  test('with an admin token: Authorization: Bearer <token> is required (401 otherwise)', async () => {
    const h = await startHarness({ env: { RELAYPOOL_ADMIN_TOKEN: 'open-sesame' } });
    try {
      const url = `${h.server.url}/admin/pool/status`;
      const none = await fetch(url);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as { error: { type: string } }).error.type, 'authentication_error');
      assert.equal((await fetch(url, { headers: { authorization: 'Bearer open-sesam' } })).status, 401);
      assert.equal((await fetch(url, { headers: { authorization: 'Basic open-sesame' } })).status, 401);
      assert.equal((await fetch(url, { headers: { authorization: 'Bearer open-sesame' } })).status, 200);
      assert.equal((await fetch(`${h.server.url}/health`)).status, 200, '/health needs no auth');
    } finally {
      await h.close();
    }
  });

  test('without a token, a non-loopback client gets 403 — also on unknown admin paths', async () => {
    const poolReport = () => buildPoolReportStub();
    for (const remote of ['10.0.0.5', '::ffff:192.168.1.2', null]) {
      const app = createApp({
        logger: captureLogger('silent').logger,
        version: 'test',
        bodyLimitBytes: 1024,
        poolStatus: () => Promise.resolve(summarizePool([], new Map(), 1, 0)),
        admin: { adminToken: null, poolReport, remoteAddress: () => remote },
      });
      const res = await app.request('/admin/pool/status');
      assert.equal(res.status, 403, String(remote));
      assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'permission_error');
      assert.equal((await app.request('/admin/nothing-here')).status, 403);
    }
    for (const remote of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const app = createApp({
        logger: captureLogger('silent').logger,
        version: 'test',
        bodyLimitBytes: 1024,
        poolStatus: () => Promise.resolve(summarizePool([], new Map(), 1, 0)),
        admin: { adminToken: null, poolReport, remoteAddress: () => remote },
      });
      assert.equal((await app.request('/admin/pool/status')).status, 200, remote);
    }
  });
});

function buildPoolReportStub(): ReturnType<typeof buildPoolReport> {
  return Promise.resolve({ ...summarizePool([], new Map(), 1, 0), queued: 0, accounts: [] });
}
