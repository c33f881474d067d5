import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { fromSameOrigin, passesCsrf } from '../../src/dashboard/csrf.js';
import { SessionStore } from '../../src/dashboard/session-store.js';
import { formatAge, formatDuration } from '../../src/dashboard/format.js';

test('sessions: random ids and CSRF tokens, absolute expiry, logout, a bounded number', () => {
  let now = 0;
  const store = new SessionStore({ now: () => now, ttlMs: 1000, maxSessions: 2 });
  const a = store.create();
  assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.id, a.csrfToken);
  assert.equal(store.get(a.id), a);
  assert.equal(store.get(undefined), null);
  assert.equal(store.get('guess'), null);
  now = 999;
  assert.equal(store.get(a.id), a);
  now = 1000;
  assert.equal(store.get(a.id), null, 'expired at its end');
  const b = store.create();
  const c = store.create();
  const d = store.create();
  assert.equal(store.get(b.id), null, 'the oldest went first');
  assert.equal(store.size, 2);
  store.end(c.id);
  assert.equal(store.get(c.id), null);
  assert.equal(store.get(d.id), d);
});

async function check(
  headers: Record<string, string>,
  body?: string,
): Promise<{ origin: boolean; csrf: boolean }> {
  const app = new Hono();
  app.post('/x', async (c) => c.json({ origin: fromSameOrigin(c), csrf: await passesCsrf(c, 'the-token') }));
  const res = await app.request('http://relay.test/x', {
    method: 'POST',
    headers: { host: 'relay.test', ...headers },
    body,
  });
  return (await res.json()) as { origin: boolean; csrf: boolean };
}

test('CSRF: the same origin and the session token (header or form field) are both required', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  assert.deepEqual(await check({ origin: 'http://relay.test', 'x-csrf-token': 'the-token' }), {
    origin: true,
    csrf: true,
  });
  assert.deepEqual(await check({ origin: 'http://relay.test', ...form }, '_csrf=the-token&a=b'), {
    origin: true,
    csrf: true,
  });
  assert.deepEqual(await check({ 'sec-fetch-site': 'same-origin', ...form }, '_csrf=the-token'), {
    origin: true,
    csrf: true,
  });
  assert.deepEqual(await check({ origin: 'http://relay.test', ...form }, '_csrf=other'), {
    origin: true,
    csrf: false,
  });
  assert.deepEqual(await check({ origin: 'http://relay.test' }), { origin: true, csrf: false });
  assert.deepEqual(await check({ origin: 'http://evil.test', 'x-csrf-token': 'the-token' }), {
    origin: false,
    csrf: false,
  });
  assert.deepEqual(await check({ origin: 'null', 'x-csrf-token': 'the-token' }), {
    origin: false,
    csrf: false,
  });
  assert.deepEqual(await check({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': 'the-token' }), {
    origin: false,
    csrf: false,
  });
  assert.deepEqual(
    await check({ 'x-csrf-token': 'the-token' }),
    { origin: false, csrf: false },
    'no browser: refused',
  );
});

test('durations and ages as operators read them', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(133_000), '2m 13s');
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(3_900_000), '1h 5m');
  assert.equal(formatDuration(266_400_000), '3d 2h');
  assert.equal(formatAge(59_000), 'under 1m');
  assert.equal(formatAge(125_000), '2m');
});
