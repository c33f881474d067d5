import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cliSandbox } from '../support/cli-run.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

type Json = Record<string, unknown>;

async function call(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; text: string }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${h.server.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {}, text };
}

describe('admin account API', () => {
  test('POST /admin/session adds from a Cookie line, then updates; a rejected cookie is not stored', async () => {
    const h = await startHarness({ accounts: 0 });
    try {
      const user = h.fake.addUser({ email: 'paste@example.com', password: 'pw', plan: 'pro' });
      const cookie = h.fake.issueSession(user.id);
      const added = await call(h, 'POST', '/admin/session', {
        cookie: `Cookie: theme=dark; monkeycode_ai_session=${cookie}`,
        label: 'pasted',
      });
      assert.equal(added.status, 201, added.text);
      assert.equal(added.json.action, 'added');
      assert.equal((added.json.account as Json).label, 'pasted');
      assert.ok(Array.isArray(added.json.models) && added.json.models.length > 0);
      assert.ok(!added.text.includes(cookie), 'the cookie is never echoed');
      const again = await call(h, 'POST', '/admin/session', { cookie, maxConcurrency: 2 });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.action, 'updated');
      assert.equal((again.json.account as Json).maxConcurrency, 2);
      const dead = h.fake.issueSession(user.id);
      h.fake.expireSession(dead);
      const refused = await call(h, 'POST', '/admin/session', { cookie: dead });
      assert.equal(refused.status, 400);
      assert.equal((refused.json.error as Json).code, 'account_rejected');
      assert.equal((await h.server.services.store.accounts.list()).length, 1);
      const garbage = await call(h, 'POST', '/admin/session', { cookie: 'a=b; c=d' });
      assert.equal(garbage.status, 400);
      assert.equal((garbage.json.error as Json).param, 'cookie');
    } finally {
      await h.close();
    }
  });

  test('accounts CRUD: list, get, add by password, patch label/limit/enabled, delete; 404s; the CLI sees the changes', async () => {
    const h = await startHarness({ accounts: 1 });
    try {
      h.fake.addUser({ email: 'pw@example.com', password: 's3cret pass', plan: 'pro' });
      const added = await call(h, 'POST', '/admin/accounts', {
        email: 'pw@example.com',
        password: 's3cret pass',
        label: 'by-password',
      });
      assert.equal(added.status, 201, added.text);
      const account = added.json.account as Json;
      assert.equal(account.kind, 'password');
      assert.equal(account.hasPassword, true);
      assert.ok(!added.text.includes('s3cret pass'));
      const wrong = await call(h, 'POST', '/admin/accounts', {
        email: 'nobody@example.com',
        password: 'nope',
      });
      assert.equal(wrong.status, 400);
      const both = await call(h, 'POST', '/admin/accounts', {
        cookie: 'abcdefgh12',
        email: 'x@example.com',
        password: 'p',
      });
      assert.equal(both.status, 400);
      const half = await call(h, 'POST', '/admin/accounts', { email: 'x@example.com' });
      assert.equal((half.json.error as Json).param, 'password');

      const list = await call(h, 'GET', '/admin/accounts');
      assert.equal(list.status, 200);
      assert.deepEqual(
        (list.json.data as Json[]).map((a) => a.label),
        ['acc0', 'by-password'],
      );
      const id = Number(account.id);
      assert.equal((await call(h, 'GET', `/admin/accounts/${id}`)).json.label, 'by-password');
      assert.equal((await call(h, 'GET', '/admin/accounts/999')).status, 404);
      assert.equal((await call(h, 'GET', '/admin/accounts/abc')).status, 404);

      const patched = await call(h, 'PATCH', `/admin/accounts/${id}`, {
        label: 'renamed',
        maxConcurrency: 3,
        enabled: false,
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.label, 'renamed');
      assert.equal(patched.json.maxConcurrency, 3);
      assert.equal(patched.json.status, 'disabled');
      assert.equal(
        (await call(h, 'PATCH', `/admin/accounts/${id}`, { maxConcurrency: null })).json.maxConcurrency,
        null,
      );
      assert.equal((await call(h, 'PATCH', `/admin/accounts/${id}`, {})).status, 400);
      assert.equal((await call(h, 'PATCH', '/admin/accounts/999', { enabled: true })).status, 404);

      using box = cliSandbox({
        RELAYPOOL_DB: h.server.services.config.store.db,
        RELAYPOOL_SECRET_KEY: 'contract-test-key',
      });
      const listed = await box.run('accounts', 'list', '--json');
      assert.match(listed.stdout, /renamed/);
      const enable = await box.run('accounts', 'enable', String(id));
      assert.equal(enable.code, 0, enable.stderr);
      assert.equal((await call(h, 'GET', `/admin/accounts/${id}`)).json.status, 'active');

      const removed = await call(h, 'DELETE', `/admin/accounts/${id}`);
      assert.deepEqual(removed.json, { id, label: 'renamed', deleted: true });
      assert.equal((await call(h, 'DELETE', `/admin/accounts/${id}`)).status, 404);
      assert.equal((await h.server.services.store.accounts.list()).length, 1);
    } finally {
      await h.close();
    }
  });

  test('discover, refresh-models and pool/refresh answer per account; an expired cookie account is reported, not thrown', async () => {
    const h = await startHarness({ accounts: 2 });
    try {
      const discover = await call(h, 'GET', '/admin/discover');
      assert.equal(discover.status, 200, discover.text);
      const rows = discover.json.data as Json[];
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.equal(row.plan, 'pro');
        assert.equal(typeof row.imageId, 'string');
        assert.ok('hostId' in row);
        const models = row.models as Json[];
        assert.ok(models.some((m) => m.allowed === true && typeof m.accessLevel !== 'undefined'));
      }
      const models = await call(h, 'POST', '/admin/refresh-models');
      assert.equal(models.status, 200, models.text);
      assert.equal(models.json.ok, 2);
      assert.ok((models.json.models as string[]).includes(h.model));

      const cookie = (await h.server.services.store.accounts.getSecrets(2))?.cookie ?? '';
      h.fake.expireSession(cookie);
      const refreshed = await call(h, 'POST', '/admin/pool/refresh', {});
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.json.total, 2);
      assert.equal(refreshed.json.failed, 1);
      const results = refreshed.json.results as Json[];
      assert.equal(results[0]!.ok, true);
      assert.equal(results[1]!.ok, false);
      assert.equal(results[1]!.status, 'expired');
      assert.ok(!refreshed.text.includes(cookie));
      assert.equal(
        (await call(h, 'POST', '/admin/pool/refresh', { all: true })).status,
        400,
        'unknown fields are rejected',
      );
    } finally {
      await h.close();
    }
  });
});

describe('GET /metrics', () => {
  test('Prometheus text: accounts, requests by route/status, latency histograms, tasks, queue; guarded like /admin', async () => {
    const h = await startHarness({ env: { RELAYPOOL_ADMIN_TOKEN: 'metrics-token' } });
    try {
      // store:false: the task is stopped right after the turn (not kept for the conversation).
      await h.client.chat.completions.create({
        model: h.model,
        messages: [{ role: 'user', content: 'hi' }],
        store: false,
      });
      await h.allTasksStopped();
      assert.equal((await fetch(`${h.server.url}/metrics`)).status, 401);
      const res = await fetch(`${h.server.url}/metrics`, {
        headers: { authorization: 'Bearer metrics-token' },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await res.text();
      assert.match(text, /relaypool_accounts\{state="active"\} 1/);
      assert.match(text, /relaypool_account_in_flight\{account_id="1"\} 0/);
      assert.match(text, /relaypool_account_cooldown_seconds\{account_id="1"\} 0/);
      assert.match(
        text,
        /relaypool_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} 1/,
      );
      assert.match(
        text,
        /relaypool_http_time_to_first_byte_seconds_count\{method="POST",route="\/v1\/chat\/completions"\} 1/,
      );
      assert.match(
        text,
        /relaypool_http_request_duration_seconds_count\{method="POST",route="\/v1\/chat\/completions"\} 1/,
      );
      assert.match(text, /relaypool_tasks_started_total 1/);
      assert.match(text, /relaypool_tasks_stopped_total\{recovered="false"\} 1/);
      assert.match(text, /relaypool_queue_wait_seconds_count\{outcome="granted"\} 1/);
      assert.match(text, /relaypool_queue_depth 0/);
      assert.match(text, /# TYPE relaypool_upstream_errors_total counter/);
      assert.match(text, /# TYPE relaypool_tasks_recovered_total counter/);
    } finally {
      await h.close();
    }
  });
});
