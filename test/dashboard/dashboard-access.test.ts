import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { summarizePool } from '../../src/pool/status.js';
import { createApp } from '../../src/server/app.js';
import { captureLogger } from '../support/log-capture.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const TOKEN = 'dashboard-admin-token';

/** A tiny browser: one cookie jar, the page's origin on posts, no redirect following. */
function browser(h: Harness, origin = h.server.url) {
  let cookie = '';
  const send = async (
    path: string,
    init: { method?: string; form?: Record<string, string>; origin?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (cookie !== '') headers.cookie = cookie;
    if (init.method === 'POST' && init.origin !== null) headers.origin = init.origin ?? origin;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${h.server.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie');
    if (set !== null) cookie = set.split(';')[0]!;
    return {
      status: res.status,
      location: res.headers.get('location'),
      setCookie: set,
      headers: res.headers,
      text: await res.text(),
    };
  };
  return { send, cookie: () => cookie };
}

const csrfOf = (html: string): string => /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';

test('with an admin token: login form, session cookie, CSRF on every action, logout; no secret in a page', async () => {
  const h = await startHarness({ accounts: 1, env: { RELAYPOOL_ADMIN_TOKEN: TOKEN } });
  try {
    const b = browser(h);
    assert.deepEqual(
      [(await b.send('/dashboard')).status, (await b.send('/dashboard')).location],
      [303, '/dashboard/login'],
    );
    assert.equal((await b.send('/dashboard/fragments/pool')).status, 303);
    assert.equal(
      (await b.send('/dashboard/actions/accounts/1/disable', { method: 'POST', form: {} })).status,
      401,
    );
    assert.equal((await b.send('/dashboard/login')).status, 200);

    const wrong = await b.send('/dashboard/login', { method: 'POST', form: { token: 'nope' } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /not the admin token/);
    assert.equal(wrong.setCookie, null);
    const noOrigin = await b.send('/dashboard/login', {
      method: 'POST',
      form: { token: TOKEN },
      origin: null,
    });
    assert.equal(noOrigin.status, 403, 'a login from another page is refused');
    const crossSite = await b.send('/dashboard/login', {
      method: 'POST',
      form: { token: TOKEN },
      origin: 'http://evil.test',
    });
    assert.equal(crossSite.status, 403);

    const ok = await b.send('/dashboard/login', { method: 'POST', form: { token: TOKEN } });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/dashboard');
    assert.match(
      ok.setCookie ?? '',
      /^relaypool_dashboard=[\w-]{43}; Max-Age=28800; Path=\/dashboard; HttpOnly; SameSite=Strict$/,
    );

    const page = await b.send('/dashboard');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.ok(!page.text.includes(TOKEN), 'no admin token in the page');
    const stored = (await h.server.services.store.accounts.getSecrets(1))?.cookie ?? 'none';
    assert.ok(!page.text.includes(stored), 'no account cookie in the page');
    const csrf = csrfOf(page.text);
    assert.notEqual(csrf, '');

    const enabled = async () => (await h.server.services.store.accounts.get(1))?.enabled;
    const disable = '/dashboard/actions/accounts/1/disable';
    assert.equal((await b.send(disable, { method: 'POST', form: {} })).status, 403, 'no CSRF token');
    assert.equal((await b.send(disable, { method: 'POST', form: { _csrf: 'forged' } })).status, 403);
    assert.equal(
      (await b.send(disable, { method: 'POST', form: { _csrf: csrf }, origin: 'http://evil.test' })).status,
      403,
    );
    assert.equal(
      (await b.send(disable, { method: 'POST', form: { _csrf: csrf }, origin: null })).status,
      403,
    );
    assert.equal(await enabled(), true, 'nothing changed');
    const done = await b.send(disable, { method: 'POST', form: { _csrf: csrf } });
    assert.deepEqual([done.status, done.location], [303, '/dashboard#pool']);
    assert.equal(await enabled(), false);
    assert.match((await b.send('/dashboard')).text, /role="status">Disabled account acc0 \(#1\)\./);
    assert.doesNotMatch((await b.send('/dashboard')).text, /Disabled account/, 'a result is shown once');

    const bad = await b.send('/dashboard/actions/accounts', {
      method: 'POST',
      form: { _csrf: csrf, cookie: 'monkeycode_ai_session=' },
    });
    assert.deepEqual([bad.status, bad.location], [303, '/dashboard#actions']);
    assert.match((await b.send('/dashboard')).text, /role="alert">The cookie is not usable/);
    assert.equal((await h.server.services.store.accounts.list()).length, 1);

    const gone = await b.send('/dashboard/actions/accounts/99/remove', {
      method: 'POST',
      form: { _csrf: csrf },
    });
    assert.equal(gone.status, 303);
    assert.match((await b.send('/dashboard')).text, /no account with id 99/);

    const out = await b.send('/dashboard/logout', { method: 'POST', form: { _csrf: csrf } });
    assert.deepEqual([out.status, out.location], [303, '/dashboard/login']);
    assert.equal((await b.send('/dashboard')).status, 303, 'the session is over');
  } finally {
    await h.close();
  }
});

test('repeated wrong admin tokens lock the address out (429 + Retry-After), shared with /admin', async () => {
  const h = await startHarness({ accounts: 1, env: { RELAYPOOL_ADMIN_TOKEN: TOKEN } });
  try {
    const b = browser(h);
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await b.send('/dashboard/login', { method: 'POST', form: { token: `x${i}` } })).status,
        401,
      );
    assert.equal((await b.send('/dashboard/login', { method: 'POST', form: { token: 'x' } })).status, 401);
    const locked = await b.send('/dashboard/login', { method: 'POST', form: { token: TOKEN } });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) >= 1);
    const admin = await fetch(`${h.server.url}/admin/pool/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(admin.status, 429);
  } finally {
    await h.close();
  }
});

/** GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('without an admin token: loopback browsers get in with a session (for CSRF); other peers and Host names do not', async () => {
  const h = await startHarness({ accounts: 1 });
  try {
    const b = browser(h);
    const page = await b.send('/dashboard');
    assert.equal(page.status, 200);
    assert.match(page.setCookie ?? '', /HttpOnly; SameSite=Strict/);
    assert.doesNotMatch(page.text, /Log out/);
    assert.equal((await b.send('/dashboard/login')).location, '/dashboard');
    const disable = '/dashboard/actions/accounts/1/disable';
    assert.equal(
      (await b.send(disable, { method: 'POST', form: {} })).status,
      403,
      'CSRF holds without a token too',
    );
    assert.equal((await b.send(disable, { method: 'POST', form: { _csrf: csrfOf(page.text) } })).status, 303);
    assert.equal((await h.server.services.store.accounts.get(1))?.enabled, false);
    assert.equal(await getWithHost(`${h.server.url}/dashboard`, 'attacker.example:80'), 403, 'DNS rebinding');
    assert.equal(await getWithHost(`${h.server.url}/dashboard`, `localhost:${h.server.port}`), 200);

    const { services } = h.server;
    for (const remote of ['10.0.0.5', null]) {
      const app = createApp({
        logger: captureLogger('silent').logger,
        version: 'test',
        bodyLimitBytes: 1024,
        poolStatus: () => Promise.resolve(summarizePool([], new Map(), 1, 0)),
        remoteAddress: () => remote,
        admin: {
          adminToken: null,
          poolReport: () => {
            throw new Error('not read');
          },
        },
        dashboard: {
          poolReport: () => {
            throw new Error('not read');
          },
          listAccounts: () => services.store.accounts.list(),
          usageSince: (since) => services.store.usage.aggregate({ since }),
          usageByModel: () => [],
          usageByClientKey: () => [],
          catalog: () => [],
          accountModels: () => [],
          accounts: services.accounts,
          refresh: async () => [],
        },
      });
      const res = await app.request('http://localhost/dashboard');
      assert.equal(res.status, 403, String(remote));
      assert.match(await res.text(), /loopback clients only/);
    }
  } finally {
    await h.close();
  }
});
