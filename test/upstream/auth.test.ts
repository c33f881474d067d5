import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure, type UpstreamErrorKind } from '../../src/upstream/errors.js';
import { createMonkeyCodeAdapter } from '../../src/upstream/monkeycode/index.js';
import { fail, ok, startMiniUpstream, type Route } from './support/mini-upstream.js';

const TOKEN = '3f9c2a7e1b5d4c60a8e2f71b9';
const SOLUTIONS = [
  13570, 892, 144, 2789, 29, 4546, 2020, 11314, 6702, 345, 1825, 951, 2545, 2036, 3352, 10405, 5876, 2975,
  161, 179, 7324, 10019, 6091, 1139, 195, 1471, 868, 3042, 7865, 2388, 4890, 555, 1270, 3418, 8308, 6539, 688,
  4284, 909, 6906, 7981, 1350, 656, 1740, 163, 11047, 2558, 2448, 1782, 7228,
];
const SESSION = '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00';
const USER = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  name: 'dev',
  email: 'dev@example.com',
  role: 'individual',
  status: 'active',
  is_blocked: false,
};

function isKind(kind: UpstreamErrorKind) {
  return (err: unknown) => isUpstreamFailure(err) && err.kind === kind;
}

/**
 * Captcha per docs/monkeycode-protocol.md §2.6 with the worked example as the challenge (checked against its known solution
 * list), or a trivial one (`quick`) for tests about what happens after it; login per docs/monkeycode-protocol.md §2.2.
 */
function loginRoutes(login: Route, quick = false): Record<string, Route> {
  const challenge = quick ? { c: 2, s: 8, d: 1 } : { c: 50, s: 32, d: 3 };
  return {
    'POST /api/v1/public/captcha/challenge': () => ({
      status: 201,
      body: { challenge, token: TOKEN, expires: 1767225600 },
    }),
    'POST /api/v1/public/captcha/redeem': (req) => {
      const body = req.body;
      const solutions: unknown =
        typeof body === 'object' && body !== null ? Reflect.get(body, 'solutions') : null;
      const good = quick
        ? Array.isArray(solutions) && solutions.length === 2
        : JSON.stringify(solutions) === JSON.stringify(SOLUTIONS);
      return good
        ? { status: 201, body: { success: true, token: 'abcd1234:0123456789abcde', expires: 1 } }
        : { status: 500, body: { success: false, message: 'invalid solutions' } };
    },
    'POST /api/v1/users/password-login': login,
    'GET /api/v1/users/status': (req) =>
      req.cookie.includes(`monkeycode_ai_session=${SESSION}`)
        ? ok({ user: USER, teams: [] })
        : { status: 401, body: { code: 401, message: '未授权 [trace_id: x]' } },
  };
}

test('password login: captcha PoW → redeem → login → cookie + Max-Age → status', async () => {
  const server = await startMiniUpstream({
    routes: loginRoutes((req) => {
      assert.deepEqual(req.body, {
        email: 'dev@example.com',
        password: 'p@ss word ',
        captcha_token: 'abcd1234:0123456789abcde',
      });
      return {
        ...ok(USER),
        headers: {
          'set-cookie': `monkeycode_ai_session=${SESSION}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`,
        },
      };
    }),
  });
  try {
    const now = Date.UTC(2026, 0, 1);
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, clock: { now: () => now } });
    const login = await adapter.login({ email: 'dev@example.com', password: 'p@ss word ' });
    assert.equal(login.session, SESSION);
    assert.deepEqual(login.expiresAt, new Date(now + 2_592_000_000));
    assert.equal(login.user.id, USER.id);
    assert.equal(login.user.email, 'dev@example.com');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path}`),
      [
        'POST /api/v1/public/captcha/challenge',
        'POST /api/v1/public/captcha/redeem',
        'POST /api/v1/users/password-login',
        'GET /api/v1/users/status',
      ],
    );
    assert.equal(server.requests[2]?.cookie, '');
  } finally {
    await server.close();
  }
});

test('login failures are typed and never echo the password', async () => {
  const outcomes: Array<[Route, UpstreamErrorKind]> = [
    [() => fail(10606, '登录失败'), 'bad-credentials'],
    [() => fail(10605, 'blocked'), 'banned'],
    [() => ({ status: 403, body: { code: 403, message: 'forbidden [trace_id: t]' } }), 'forbidden'],
    [() => ok(USER), 'protocol'], // success without a session cookie
  ];
  for (const [route, kind] of outcomes) {
    const server = await startMiniUpstream({ routes: loginRoutes(route, true) });
    try {
      const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
      await assert.rejects(
        adapter.login({ email: 'dev@example.com', password: 'hunter2-secret' }),
        (err: unknown) => {
          assert.ok(isKind(kind)(err), `expected ${kind}, got ${String(err)}`);
          assert.ok(err instanceof Error && !err.message.includes('hunter2'));
          return true;
        },
      );
    } finally {
      await server.close();
    }
  }
});

test('captcha redeem failure is a captcha error', async () => {
  const routes = loginRoutes(() => ok(USER), true);
  routes['POST /api/v1/public/captcha/redeem'] = () => ({
    status: 500,
    body: { success: false, message: 'challenge expired' },
  });
  const server = await startMiniUpstream({ routes });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
    await assert.rejects(adapter.login({ email: 'a@b.c', password: 'x' }), isKind('captcha'));
  } finally {
    await server.close();
  }
});

test('validateSession: user info, or session-expired for 401 JSON, 401 text, 200 + empty user, HTML 2xx', async () => {
  const variants: Route[] = [
    () => ({ status: 401, body: { code: 401, message: '未授权 [trace_id: x]' } }),
    () => ({ status: 401, body: 'Unauthorized' }),
    () => ok({ user: {} }),
    () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' }),
  ];
  for (const variant of variants) {
    const server = await startMiniUpstream({
      routes: {
        'GET /api/v1/users/status': (req) =>
          req.cookie === `monkeycode_ai_session=${SESSION}` ? ok({ user: USER }) : variant(req),
      },
    });
    try {
      const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
      assert.equal((await adapter.validateSession(SESSION)).name, 'dev');
      await assert.rejects(
        adapter.validateSession('dead0000-0000-4000-8000-000000000000'),
        isKind('session-expired'),
      );
    } finally {
      await server.close();
    }
  }
});

test('logout posts with the cookie; a dead session counts as logged out', async () => {
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/logout': (req) =>
        req.cookie.includes(SESSION)
          ? { ...ok(), headers: { 'set-cookie': 'monkeycode_ai_session=; Path=/; Max-Age=0; HttpOnly' } }
          : { status: 401, body: 'Unauthorized' },
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
    await adapter.logout(SESSION);
    await adapter.logout('dead0000-0000-4000-8000-000000000000');
    assert.equal(server.requests[0]?.cookie, `monkeycode_ai_session=${SESSION}`);
  } finally {
    await server.close();
  }
});

test('HTTP calls time out, abort, and report network failures', async () => {
  const server = await startMiniUpstream({
    routes: { 'GET /api/v1/users/status': () => new Promise(() => {}) },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, requestTimeoutMs: 50 });
    await assert.rejects(adapter.validateSession(SESSION), isKind('timeout'));
    const controller = new AbortController();
    const pending = adapter.validateSession(SESSION, { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort(new Error('client went away'));
    await assert.rejects(pending, /client went away/);
  } finally {
    await server.close();
  }
  const closed = createMonkeyCodeAdapter({ baseUrl: server.url });
  await assert.rejects(closed.validateSession(SESSION), isKind('network'));
});
