import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI, { AuthenticationError, NotFoundError } from 'openai';
import { loadConfig } from '../../src/config/index.js';
import { createApp } from '../../src/server/app.js';
import { checkBindPolicy } from '../../src/server/bind-policy.js';
import { FailureThrottle, DEFAULT_THROTTLE } from '../../src/server/middleware/failure-throttle.js';
import { summarizePool } from '../../src/pool/status.js';
import { captureLogger } from '../support/log-capture.js';
import { startHarness } from '../support/proxy-harness.js';

const KEYS = {
  RELAYPOOL_API_KEYS: 'key-alpha-0001,key-bravo-0002',
  RELAYPOOL_ADMIN_TOKEN: 'admin-token-xyz',
};

describe('/v1 client keys', () => {
  test('a wrong or missing key is 401 invalid_api_key (AuthenticationError in the SDK); Bearer and x-api-key both work', async () => {
    const h = await startHarness({ env: KEYS });
    try {
      const wrong = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'key-wrong', maxRetries: 0 });
      await assert.rejects(
        wrong.models.list(),
        (err: unknown) => err instanceof AuthenticationError && err.code === 'invalid_api_key',
      );
      const none = await fetch(`${h.server.url}/v1/models`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
      const alpha = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'key-alpha-0001', maxRetries: 0 });
      assert.ok((await alpha.models.list()).data.length > 0);
      assert.equal(
        (await fetch(`${h.server.url}/v1/models`, { headers: { 'x-api-key': 'key-bravo-0002' } })).status,
        200,
      );
      assert.equal((await fetch(`${h.server.url}/health`)).status, 200);
    } finally {
      await h.close();
    }
  });

  test('stored responses and usage are scoped to the client key: another key can neither read nor continue them', async () => {
    const h = await startHarness({ env: KEYS });
    try {
      const alpha = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'key-alpha-0001', maxRetries: 0 });
      const bravo = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'key-bravo-0002', maxRetries: 0 });
      const first = await alpha.responses.create({ model: h.model, input: 'remember me', store: true });
      assert.equal((await alpha.responses.retrieve(first.id)).id, first.id);
      await assert.rejects(bravo.responses.retrieve(first.id), NotFoundError);
      await assert.rejects(
        bravo.responses.create({ model: h.model, input: 'continue', previous_response_id: first.id }),
        NotFoundError,
      );
      await assert.rejects(bravo.responses.delete(first.id), NotFoundError);
      const next = await alpha.responses.create({
        model: h.model,
        input: 'continue',
        previous_response_id: first.id,
      });
      assert.ok(next.id);
      await h.allTasksStopped();
      await h.server.close('test');
      const db = readFileSync(h.server.services.config.store.db);
      for (const secret of ['key-alpha-0001', 'key-bravo-0002', 'admin-token-xyz'])
        assert.ok(!db.includes(secret), `${secret} not in the database`);
    } finally {
      await h.close();
    }
  });

  test('bound beyond loopback without keys, start-up refuses and names exactly what to set', () => {
    const { config } = loadConfig({ cwd: '/', env: { RELAYPOOL_HOST: '0.0.0.0' } });
    assert.throws(
      () => checkBindPolicy(config),
      /RELAYPOOL_API_KEYS or auth\.apiKeys.*RELAYPOOL_ADMIN_TOKEN or auth\.adminToken/,
    );
    const keysOnly = loadConfig({
      cwd: '/',
      env: { RELAYPOOL_HOST: '0.0.0.0', RELAYPOOL_API_KEYS: 'k' },
    }).config;
    assert.throws(
      () => checkBindPolicy(keysOnly),
      (err: Error) =>
        !err.message.includes('RELAYPOOL_API_KEYS') && err.message.includes('RELAYPOOL_ADMIN_TOKEN'),
    );
    checkBindPolicy(loadConfig({ cwd: '/', env: { RELAYPOOL_HOST: '0.0.0.0', ...KEYS } }).config);
  });
});

describe('brute-force guard', () => {
  test('repeated bad admin tokens from one address get 429 + Retry-After, growing; the clock frees it; other addresses are unaffected', async () => {
    let now = 1_000_000;
    let remote = '10.1.1.1';
    const app = createApp({
      logger: captureLogger('silent').logger,
      version: 'test',
      bodyLimitBytes: 1024,
      now: () => now,
      poolStatus: () => Promise.resolve(summarizePool([], new Map(), 1, 0)),
      throttle: { freeFailures: 2, baseDelayMs: 2_000 },
      admin: {
        adminToken: 'right',
        poolReport: () => Promise.resolve({ ...summarizePool([], new Map(), 1, 0), queued: 0, accounts: [] }),
        remoteAddress: () => remote,
      },
    });
    const hit = (token: string) =>
      app.request('/admin/pool/status', { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await hit('bad')).status, 401);
    assert.equal((await hit('bad')).status, 401);
    assert.equal((await hit('bad')).status, 401, 'the third failure starts the lock-out');
    const locked = await hit('right');
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '2');
    remote = '10.2.2.2';
    assert.equal((await hit('right')).status, 200, 'another address is not slowed down');
    remote = '10.1.1.1';
    now += 2_001;
    assert.equal((await hit('bad')).status, 401);
    assert.equal((await hit('right')).headers.get('retry-after'), '4', 'the delay doubles');
    now += 4_001;
    assert.equal((await hit('right')).status, 200);
    assert.equal((await hit('bad')).status, 401, 'a success clears the record');
    assert.equal((await hit('right')).status, 200);
  });

  test('bad client keys are throttled too, and memory is bounded', async () => {
    let now = 0;
    const throttle = new FailureThrottle({ ...DEFAULT_THROTTLE, maxAddresses: 3, now: () => now });
    for (let i = 0; i < 10; i++) throttle.fail(`10.0.0.${i}`);
    assert.equal(throttle.size(), 3);
    for (let i = 0; i < 6; i++) throttle.fail('10.9.9.9');
    assert.throws(
      () => throttle.check('10.9.9.9'),
      (err: Error & { status?: number }) => err.status === 429,
    );
    now += DEFAULT_THROTTLE.maxDelayMs + DEFAULT_THROTTLE.forgetAfterMs + 1;
    throttle.check('10.9.9.9');

    const h = await startHarness({ env: KEYS });
    try {
      let last = 0;
      for (let i = 0; i < 7; i++)
        last = (await fetch(`${h.server.url}/v1/models`, { headers: { authorization: 'Bearer nope' } }))
          .status;
      assert.equal(last, 429);
    } finally {
      await h.close();
    }
  });
});

describe('admin bodies and secrets', () => {
  test('malformed, unknown-field, deep and oversized bodies get 400/413 naming the field — never a 500', async () => {
    const h = await startHarness({ env: { RELAYPOOL_SERVER_BODY_LIMIT_BYTES: '2048' } });
    try {
      const post = async (path: string, body: string, method = 'POST') => {
        const res = await fetch(`${h.server.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body,
        });
        return {
          status: res.status,
          body: (await res.json()) as { error: { param: string | null; message: string; type: string } },
        };
      };
      const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
      for (const path of [
        '/admin/session',
        '/admin/accounts',
        '/admin/pool/refresh',
        '/admin/refresh-models',
      ]) {
        for (const body of ['{', '[1,2]', '"text"', 'null', '{"zzz":1}', deep]) {
          const res = await post(path, body);
          assert.equal(res.status, 400, `${path} ${body.slice(0, 20)}`);
          assert.equal(res.body.error.type, 'invalid_request_error');
        }
        assert.equal((await post(path, JSON.stringify({ cookie: 'x'.repeat(4000) }))).status, 413);
      }
      const unknown = await post('/admin/session', '{"cookie":"abcdefgh12","extra":true}');
      assert.equal(unknown.body.error.param, 'extra');
      const typed = await post('/admin/session', '{"cookie":42}');
      assert.equal(typed.body.error.param, 'cookie');
      const limit = await post('/admin/accounts/1', '{"maxConcurrency":0}', 'PATCH');
      assert.equal(limit.status, 400);
      assert.equal(limit.body.error.param, 'maxConcurrency');
      const wrongType = await fetch(`${h.server.url}/admin/session`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'cookie',
      });
      assert.equal(wrongType.status, 400);
    } finally {
      await h.close();
    }
  });

  test('no password, cookie, admin token or API key in responses, logs or the database file', async () => {
    const h = await startHarness({ env: KEYS, accounts: 0 });
    try {
      const auth = { authorization: 'Bearer admin-token-xyz', 'content-type': 'application/json' };
      const user = h.fake.addUser({ email: 'leak@example.com', password: 'Very-Secret-Pw', plan: 'pro' });
      const cookie = h.fake.issueSession(user.id);
      const texts: string[] = [];
      const send = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${h.server.url}${path}`, {
          method,
          headers: auth,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        texts.push(await res.text());
        return res.status;
      };
      assert.equal(await send('POST', '/admin/session', { cookie }), 201);
      assert.equal(
        await send('POST', '/admin/accounts', { email: 'leak@example.com', password: 'Very-Secret-Pw' }),
        201,
      );
      assert.equal(
        await send('POST', '/admin/accounts', { email: 'leak@example.com', password: 'Wrong-Secret-Pw' }),
        400,
      );
      for (const path of [
        '/admin/accounts',
        '/admin/accounts/2',
        '/admin/discover',
        '/admin/pool/status',
        '/metrics',
      ])
        assert.equal(await send('GET', path), 200);
      assert.equal(await send('POST', '/admin/pool/refresh'), 200);
      const client = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'key-alpha-0001', maxRetries: 0 });
      await client.chat.completions.create({
        model: (await client.models.list()).data[0]!.id,
        messages: [{ role: 'user', content: 'hi' }],
      });
      await h.allTasksStopped();
      const { store } = h.server.services;
      const sessions = await Promise.all(
        (await store.accounts.list()).map(async (a) => (await store.accounts.getSecrets(a.id))?.cookie ?? ''),
      );
      await h.server.close('test');
      const db = readFileSync(h.server.services.config.store.db).toString('latin1');
      const secrets = [
        'Very-Secret-Pw',
        'Wrong-Secret-Pw',
        'admin-token-xyz',
        'key-alpha-0001',
        cookie,
        ...sessions,
      ].filter((s) => s.length > 0);
      for (const secret of secrets) {
        for (const text of texts)
          assert.ok(!text.includes(secret), `a response contains ${secret.slice(0, 4)}…`);
        assert.ok(!h.logs().includes(secret), `the log contains ${secret.slice(0, 4)}…`);
        assert.ok(!db.includes(secret), `the database contains ${secret.slice(0, 4)}…`);
      }
    } finally {
      await h.close();
    }
  });
});
