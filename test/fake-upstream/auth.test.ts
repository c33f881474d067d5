import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { envelope, SpecClient } from './spec-client.js';
import { EMAIL, PASSWORD, setup } from './test-setup.js';

const TRACE = / \[trace_id: [0-9a-f]+\]$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const statusData = z.object({
  user: z.object({ id: z.string().optional(), email: z.string().optional() }).loose(),
});

describe('envelope and the two 401 shapes (docs/monkeycode-protocol.md §1)', () => {
  test('success envelope, business error with trace suffix, localized messages', async (t) => {
    const { client } = await setup(t);
    const ok = await client.call('GET', '/api/v1/users/hosts');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { code: 0, message: 'success', data: { hosts: [] } });
    const zh = await client.call('DELETE', '/api/v1/users/tasks/3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13');
    assert.equal(zh.status, 200);
    const zhEnv = envelope(zh);
    assert.equal(zhEnv.code, 10002);
    assert.match(zhEnv.message, TRACE);
    assert.match(zhEnv.message, /[\u4e00-\u9fff]/, 'Chinese by default');
    const en = await client.call(
      'DELETE',
      '/api/v1/users/tasks/3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13',
      undefined,
      { 'accept-language': 'en-US,en;q=0.9' },
    );
    assert.doesNotMatch(envelope(en).message, /[\u4e00-\u9fff]/);
    assert.match(envelope(en).message, TRACE);
    const byCookie = await fetch(
      `${client.baseUrl}/api/v1/users/tasks/3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13`,
      {
        method: 'DELETE',
        headers: { cookie: `language=en; monkeycode_ai_session=${client.cookie ?? ''}` },
      },
    );
    assert.doesNotMatch(
      envelope({ status: 200, contentType: '', text: '', json: await byCookie.json(), setCookie: [] })
        .message,
      /[\u4e00-\u9fff]/,
    );
  });

  test('auth-required endpoints: 401 text/plain "Unauthorized" without, with unknown and with expired cookies', async (t) => {
    const { fake, client } = await setup(t);
    const good = client.cookie ?? '';
    for (const cookie of [undefined, '00000000-1111-4222-8333-444444444444', good]) {
      if (cookie === good) fake.expireSession(good);
      client.cookie = cookie;
      for (const [method, path] of [
        ['GET', '/api/v1/users/models'],
        ['GET', '/api/v1/users/tasks'],
        ['POST', '/api/v1/users/tasks'],
        ['POST', '/api/v1/users/logout'],
        ['GET', '/api/v1/users/subscription'],
      ] as const) {
        const r = await client.call(method, path, method === 'POST' ? {} : undefined);
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.match(r.contentType, /^text\/plain/);
        assert.equal(r.text, 'Unauthorized');
      }
    }
  });

  test('/users/status: 401 JSON (SRC) or 200 + empty user (hosted variant)', async (t) => {
    const { fake, client } = await setup(t);
    const okRes = await client.call('GET', '/api/v1/users/status');
    assert.equal(statusData.parse(envelope(okRes).data).user.email, EMAIL);
    client.cookie = undefined;
    const r401 = await client.call('GET', '/api/v1/users/status');
    assert.equal(r401.status, 401);
    assert.match(r401.contentType, /application\/json/);
    assert.equal(envelope(r401).code, 401);
    assert.match(envelope(r401).message, TRACE);
    fake.faults.setStatusVariant('empty200');
    const r200 = await client.call('GET', '/api/v1/users/status');
    assert.equal(r200.status, 200);
    assert.equal(envelope(r200).code, 0);
    assert.deepEqual(statusData.parse(envelope(r200).data).user, {});
  });

  test('non-JSON 2xx (HTML login page) fault', async (t) => {
    const { fake, client } = await setup(t);
    fake.faults.htmlPage('/api/v1/users/models');
    const r = await client.call('GET', '/api/v1/users/models');
    assert.equal(r.status, 200);
    assert.match(r.contentType, /text\/html/);
    assert.equal(r.json, undefined);
    assert.equal(envelope(await client.call('GET', '/api/v1/users/models')).code, 0, 'one-shot');
  });
});

describe('password login, status, logout (docs/monkeycode-protocol.md §2)', () => {
  test('success sets the session cookie with the SRC attributes and returns the user', async (t) => {
    const { client } = await setup(t);
    client.cookie = undefined;
    const r = await client.login(EMAIL, PASSWORD);
    assert.equal(r.status, 200);
    assert.equal(r.setCookie.length, 1);
    const m = /^monkeycode_ai_session=([^;]+); Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/.exec(
      r.setCookie[0] ?? '',
    );
    assert.ok(m, r.setCookie[0]);
    assert.match(m[1] ?? '', UUID);
    const user = z
      .object({
        id: z.string(),
        email: z.string(),
        role: z.string(),
        is_blocked: z.boolean(),
        has_password: z.boolean(),
      })
      .parse(envelope(r).data);
    assert.equal(user.email, EMAIL);
    assert.equal(user.role, 'individual');
    assert.equal(envelope(await client.call('GET', '/api/v1/users/status')).code, 0);
  });

  test('10606 for wrong password, unknown email, trimmed password and enterprise accounts; 10605 for blocked', async (t) => {
    const { fake, client } = await setup(t);
    client.cookie = undefined;
    fake.addUser({ email: 'ent@example.com', password: 'x', role: 'enterprise' });
    fake.addUser({ email: 'banned@example.com', password: 'x', blocked: true });
    const code = async (e: string, p: string) => {
      const r = await client.login(e, p);
      assert.equal(r.status, 200);
      assert.equal(r.setCookie.length, 0);
      return envelope(r).code;
    };
    assert.equal(await code(EMAIL, 'nope'), 10606);
    assert.equal(await code(EMAIL, PASSWORD.trim()), 10606);
    assert.equal(await code('nobody@example.com', PASSWORD), 10606);
    assert.equal(await code('ent@example.com', 'x'), 10606);
    assert.equal(await code('banned@example.com', 'x'), 10605);
    assert.equal(await code('banned@example.com', 'wrong'), 10606);
    assert.equal((await client.call('POST', '/api/v1/users/password-login', '{not json')).status, 400);
  });

  test('logout clears only the presented session; other sessions of the user live on', async (t) => {
    const { fake, user, client } = await setup(t);
    const other = new SpecClient(fake.url);
    other.cookie = fake.issueSession(user.id);
    const r = await client.call('POST', '/api/v1/users/logout');
    assert.deepEqual(r.json, { code: 0, message: 'success' });
    assert.deepEqual(r.setCookie, ['monkeycode_ai_session=; Path=/; Max-Age=0; HttpOnly']);
    assert.equal((await client.call('GET', '/api/v1/users/status')).status, 401);
    assert.equal(envelope(await other.call('GET', '/api/v1/users/status')).code, 0);
    fake.expireAllSessions();
    assert.equal((await other.call('GET', '/api/v1/users/status')).status, 401);
  });

  test('a session snapshot taken while blocked answers 401 on status; blocking later does not', async (t) => {
    const { fake, user, client } = await setup(t);
    fake.updateUser(user.id, { blocked: true });
    assert.equal(envelope(await client.call('GET', '/api/v1/users/status')).code, 0, 'stale snapshot');
    const blockedCookie = fake.issueSession(user.id);
    client.cookie = blockedCookie;
    assert.equal((await client.call('GET', '/api/v1/users/status')).status, 401);
    assert.equal(
      fake.requests.filter((r) => r.kind === 'http' && r.cookies['monkeycode_ai_session'] === blockedCookie)
        .length,
      1,
    );
  });
});
