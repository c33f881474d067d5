import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBaizhi, BAIZHI_COOKIE, type FakeBaizhi } from '../fake-baizhi/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

type Json = Record<string, unknown>;
const PHONE = '13800138000';

async function call(
  h: Harness,
  path: string,
  body: unknown,
): Promise<{ status: number; json: Json; text: string }> {
  const res = await fetch(`${h.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {}, text };
}

const errorOf = (r: { json: Json }): Json => (r.json.error ?? {}) as Json;

async function setup(): Promise<{ h: Harness; baizhi: FakeBaizhi; close: () => Promise<void> }> {
  const baizhi = await startFakeBaizhi({ captcha: { c: 4, d: 2 } });
  const h = await startHarness({
    accounts: 0,
    fake: { baizhiUrl: baizhi.url },
    env: { RELAYPOOL_UPSTREAM_BAIZHI_URL: baizhi.url },
  });
  return {
    h,
    baizhi,
    close: async () => {
      await h.close();
      await baizhi.close();
    },
  };
}

/** Every secret of the flows: SMS codes, Baizhi sessions, MonkeyCode sessions. */
function secretsOf(h: Harness, baizhi: FakeBaizhi, codes: string[]): string[] {
  return [...codes, ...baizhi.state.sessions.keys(), ...h.fake.state.sessions.keys()];
}

/** The operator's browser: MonkeyCode login → Baizhi SMS login → authorize; the callback URL it lands on. */
async function browserCallbackUrl(h: Harness, baizhi: FakeBaizhi, phone: string): Promise<string> {
  baizhi.setCaptchaRequired(false);
  const start = await fetch(`${h.fake.url}/api/v1/users/login?redirect=&inviter_id=`, { redirect: 'manual' });
  const authorizePage = new URL(start.headers.get('location') ?? '');
  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${baizhi.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  await post('/api/v1/user/phone_code', { phone, kind: 'login' });
  const login = await post('/api/v1/user/login/phone', { phone, code: baizhi.lastCode(phone) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const authorize = new URL('/api/v1/oauth/authorize', baizhi.url);
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state'])
    authorize.searchParams.set(key, authorizePage.searchParams.get(key) ?? '');
  authorize.searchParams.set('response_type', 'code');
  const answer = await fetch(authorize, { redirect: 'manual', headers: { cookie } });
  baizhi.setCaptchaRequired(true);
  assert.equal(answer.status, 302);
  return answer.headers.get('location') ?? '';
}

describe('operator-driven login (admin API)', () => {
  test('send-code → verify adds a usable account; captcha solved on Baizhi; nothing secret in answers or logs', async () => {
    const { h, baizhi, close } = await setup();
    try {
      const sent = await call(h, '/admin/login/send-code', { phone: PHONE, label: 'sms' });
      assert.equal(sent.status, 200, sent.text);
      assert.equal(typeof sent.json.loginId, 'string');
      assert.equal(sent.json.phone, '138******00');
      assert.ok(Number(sent.json.expiresInS) > 0);
      const code = baizhi.lastCode(PHONE);
      assert.ok(code !== undefined);
      const phoneCode = baizhi.requests.find((r) => r.path === '/api/v1/user/phone_code');
      assert.equal(phoneCode?.status, 200);
      assert.match(phoneCode?.body ?? '', /"kind":"login".*"captcha_token":"[0-9a-f]+:[0-9a-f]+"/);
      const verified = await call(h, '/admin/login/verify', { loginId: sent.json.loginId, code });
      assert.equal(verified.status, 201, verified.text);
      assert.equal(verified.json.action, 'added');
      assert.equal((verified.json.account as Json).label, 'sms');
      assert.ok(
        baizhi.requests.some(
          (r) =>
            r.path === '/api/v1/oauth/authorize' &&
            r.status === 302 &&
            (r.headers.cookie ?? '').includes(BAIZHI_COOKIE),
        ),
      );
      assert.equal((await h.server.services.store.accounts.list()).length, 1);
      const model = (verified.json.models as string[]).find((m) => m.startsWith('monkeycode-basic/')) ?? '';
      const reply = await h.client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.match(reply.choices[0]?.message.content ?? '', /echo: hi/);
      const again = await call(h, '/admin/login/verify', { loginId: sent.json.loginId, code });
      assert.equal(again.status, 404, 'a finished login is gone');
      // The same phone logging in again renews that account's session instead of adding a second one.
      const oldCookie = (await h.server.services.store.accounts.getSecrets(1))?.cookie;
      const resent = await call(h, '/admin/login/send-code', { phone: PHONE });
      const renewed = await call(h, '/admin/login/verify', {
        loginId: resent.json.loginId,
        code: baizhi.lastCode(PHONE) ?? '',
      });
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal(renewed.json.action, 'updated');
      assert.equal((await h.server.services.store.accounts.list()).length, 1);
      assert.equal((renewed.json.account as Json).label, 'sms', 'the label stays');
      assert.notEqual(
        (await h.server.services.store.accounts.getSecrets(1))?.cookie,
        oldCookie,
        'the new session is stored',
      );
      for (const secret of secretsOf(h, baizhi, [code])) {
        for (const text of [sent.text, verified.text, again.text, h.logs()])
          assert.ok(!text.includes(secret), 'no secret in answers or logs');
      }
    } finally {
      await close();
    }
  });

  test('a wrong or expired code is a 400 and stores nothing; the login survives a wrong code; a failed captcha is a 502', async () => {
    const { h, baizhi, close } = await setup();
    try {
      const sent = await call(h, '/admin/login/send-code', { phone: PHONE });
      const code = baizhi.lastCode(PHONE) ?? '';
      const wrong = await call(h, '/admin/login/verify', {
        loginId: sent.json.loginId,
        code: code === '111111' ? '222222' : '111111',
      });
      assert.equal(wrong.status, 400, wrong.text);
      assert.equal(errorOf(wrong).code, 'login_rejected');
      assert.equal(errorOf(wrong).param, 'code');
      assert.equal((await h.server.services.store.accounts.list()).length, 0);
      baizhi.failNextRedeem();
      const captcha = await call(h, '/admin/login/verify', { phone: PHONE, code });
      assert.equal(captcha.status, 502, captcha.text);
      baizhi.expireCodes();
      const expired = await call(h, '/admin/login/verify', { phone: PHONE, code });
      assert.equal(expired.status, 400, expired.text);
      assert.equal(errorOf(expired).code, 'login_rejected');
      assert.equal((await h.server.services.store.accounts.list()).length, 0);
      await call(h, '/admin/login/send-code', { phone: PHONE, label: 'retry' });
      const ok = await call(h, '/admin/login/verify', { phone: PHONE, code: baizhi.lastCode(PHONE) });
      assert.equal(ok.status, 201, ok.text);
      assert.equal((ok.json.account as Json).label, 'retry');
      for (const secret of secretsOf(h, baizhi, [code])) assert.ok(!h.logs().includes(secret));
    } finally {
      await close();
    }
  });

  test('callback URL: followed through a redirect hop on the upstream, session captured, account added; replay refused', async () => {
    const { h, baizhi, close } = await setup();
    try {
      const landed = new URL(await browserCallbackUrl(h, baizhi, PHONE));
      assert.equal(landed.pathname, '/api/v1/users/baizhi/callback');
      landed.pathname = '/api/v1/users/login/callback'; // an older path that redirects to the current one
      const added = await call(h, '/admin/login/callback', { url: landed.href, label: 'pasted-url' });
      assert.equal(added.status, 201, added.text);
      assert.equal((added.json.account as Json).label, 'pasted-url');
      const paths = h.fake.requests.flatMap((r) => (r.kind === 'http' ? [r.path] : []));
      assert.ok(
        paths.includes('/api/v1/users/login/callback') && paths.includes('/api/v1/users/baizhi/callback'),
      );
      assert.ok(!paths.includes('/'), 'stops once the session is set');
      const replay = await call(h, '/admin/login/callback', { url: landed.href });
      assert.equal(replay.status, 400, replay.text);
      assert.equal(errorOf(replay).code, 'login_rejected');
      assert.equal((await h.server.services.store.accounts.list()).length, 1);
      for (const secret of secretsOf(h, baizhi, [landed.searchParams.get('code') ?? ''])) {
        for (const text of [added.text, replay.text, h.logs()]) assert.ok(!text.includes(secret));
      }
    } finally {
      await close();
    }
  });

  test('a callback URL for another host, or outside /api/, is a 400 and nothing is requested', async () => {
    const { h, close } = await setup();
    try {
      const before = h.fake.requests.length;
      const elsewhere = await call(h, '/admin/login/callback', {
        url: 'http://evil.example/api/v1/users/baizhi/callback?code=x&state=y',
      });
      assert.equal(elsewhere.status, 400);
      assert.equal(errorOf(elsewhere).code, 'invalid_callback_url');
      assert.equal(errorOf(elsewhere).param, 'url');
      const page = await call(h, '/admin/login/callback', { url: `${h.fake.url}/login?code=x&state=y` });
      assert.equal(page.status, 400);
      const junk = await call(h, '/admin/login/callback', { url: 'not a url' });
      assert.equal(junk.status, 400);
      assert.equal(h.fake.requests.length, before);
    } finally {
      await close();
    }
  });

  test('strict bodies: unknown fields, missing or malformed fields are 400 naming the field; unknown login 404', async () => {
    const { h, close } = await setup();
    try {
      const cases: Array<[string, unknown, string]> = [
        ['/admin/login/send-code', { phone: PHONE, extra: 1 }, 'extra'],
        ['/admin/login/send-code', {}, 'phone'],
        ['/admin/login/send-code', { phone: 'call me' }, 'phone'],
        ['/admin/login/verify', { code: '123456' }, 'loginId'],
        ['/admin/login/verify', { loginId: 'x', code: '1' }, 'code'],
        ['/admin/login/verify', { loginId: 'x', code: '123456', cookie: 'y' }, 'cookie'],
        ['/admin/login/callback', {}, 'url'],
        ['/admin/login/callback', { url: 'x', label: '' }, 'label'],
      ];
      for (const [path, body, param] of cases) {
        const res = await call(h, path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
        assert.equal(errorOf(res).param, param, res.text);
      }
      const unknown = await call(h, '/admin/login/verify', { loginId: 'nope', code: '123456' });
      assert.equal(unknown.status, 404);
      assert.equal(errorOf(unknown).code, 'login_not_found');
    } finally {
      await close();
    }
  });
});
