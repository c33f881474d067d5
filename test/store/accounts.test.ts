import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidRequestError } from '../../src/util/errors.js';
import { ConflictError, type Account } from '../../src/store/index.js';
import { manualClock, openTempStore } from './temp-store.js';

const isConflict = (field: string, accountId: number) => (err: unknown) =>
  err instanceof ConflictError && err.field === field && err.accountId === accountId && err.status === 409;

test('add returns the public view with defaults', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const cookie = store.accounts.add({ kind: 'cookie', cookie: 'session-1' });
  assert.deepEqual(cookie, {
    id: 1,
    label: 'account-1',
    kind: 'cookie',
    email: null,
    enabled: true,
    state: 'unverified',
    status: 'unverified',
    hasPassword: false,
    hasCookie: true,
    cookieObtainedAt: clock.now(),
    cookieExpiresAt: null,
    maxConcurrency: null,
    cooldownUntil: null,
    lastError: null,
    lastCheckedAt: null,
    upstreamUserId: null,
    upstreamUserName: null,
    plan: null,
    createdAt: clock.now(),
    updatedAt: clock.now(),
    upstream: 'monkeycode',
  } satisfies Account);
  const pw = store.accounts.add({
    kind: 'password',
    email: ' Dev@Example.com ',
    password: 'pw',
    maxConcurrency: 2,
    state: 'active',
  });
  assert.equal(pw.label, 'Dev@Example.com');
  assert.equal(pw.email, 'Dev@Example.com');
  assert.equal(pw.hasPassword, true);
  assert.equal(pw.hasCookie, false);
  assert.equal(pw.maxConcurrency, 2);
  assert.equal(pw.status, 'active');
  assert.deepEqual(
    store.accounts.list().map((a) => a.id),
    [cookie.id, pw.id],
  );
});

test('a default label never collides with an operator label', (t) => {
  const { store } = openTempStore(t);
  store.accounts.add({ kind: 'cookie', cookie: 'c1', label: 'account-2' });
  store.accounts.add({ kind: 'cookie', cookie: 'c2', label: 'x@example.com' });
  assert.equal(store.accounts.add({ kind: 'cookie', cookie: 'c3' }).label, 'account-3');
  assert.equal(
    store.accounts.add({ kind: 'cookie', cookie: 'c4', label: 'account-4-x' }).label,
    'account-4-x',
  );
  const pw = store.accounts.add({ kind: 'password', email: 'x@example.com', password: 'pw' });
  assert.equal(pw.label, `account-${pw.id}`);
  store.accounts.update(pw.id, { label: 'renamed' });
  store.accounts.add({ kind: 'cookie', cookie: 'c5', label: 'account-7' });
  assert.equal(store.accounts.add({ kind: 'cookie', cookie: 'c6' }).label, 'account-7-2');
});

test('duplicate label, password email (any case) or cookie is a ConflictError naming the holder', (t) => {
  const { store } = openTempStore(t);
  const a = store.accounts.add({ kind: 'password', email: 'dev@example.com', password: 'pw', label: 'main' });
  const b = store.accounts.add({ kind: 'cookie', cookie: 'session-b' });
  assert.throws(
    () =>
      store.accounts.add({
        kind: 'cookie',
        cookie: 'other',
        label: 'main',
      }),
    isConflict('label', a.id),
  );
  assert.throws(
    () => store.accounts.add({ kind: 'password', email: 'DEV@example.COM', password: 'x' }),
    isConflict('email', a.id),
  );
  assert.throws(
    () =>
      store.accounts.add({
        kind: 'cookie',
        cookie: ' session-b ',
      }),
    isConflict('cookie', b.id),
  );
  assert.throws(
    () =>
      store.accounts.add({
        kind: 'password',
        email: 'new@example.com',
        password: 'x',
        cookie: 'session-b',
      }),
    isConflict('cookie', b.id),
  );
  // Email is unique among password accounts only.
  const c = store.accounts.add({ kind: 'cookie', cookie: 'session-c', email: 'dev@example.com' });
  assert.equal(c.email, 'dev@example.com');
  assert.equal(store.accounts.list().length, 3);
});

test('lookups by email, cookie and fingerprint', (t) => {
  const { store } = openTempStore(t);
  const cookieAccount = store.accounts.add({ kind: 'cookie', cookie: 'shared@x', email: 'dev@example.com' });
  const pw = store.accounts.add({
    kind: 'password',
    email: 'dev@example.com',
    password: 'pw',
    cookie: 'session-pw',
  });
  assert.equal(store.accounts.findByEmail('DEV@example.com')?.id, pw.id, 'password account first');
  assert.equal(store.accounts.findByEmail('nobody@example.com'), null);
  assert.equal(store.accounts.findByCookie('session-pw')?.id, pw.id);
  assert.equal(store.accounts.findByCookie('shared@x')?.id, cookieAccount.id);
  assert.equal(store.accounts.findByCookie('unknown'), null);
  const fingerprint = store.accounts.cookieFingerprint('session-pw');
  assert.match(fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(store.accounts.findByCookieFingerprint(fingerprint)?.id, pw.id);
  assert.equal(store.accounts.get(999), null);
});

test('update applies a patch, bumps updatedAt, and shows disabled as the status', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const a = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  clock.advance(1000);
  const updated = store.accounts.update(a.id, {
    label: 'primary',
    maxConcurrency: 3,
    state: 'cooling',
    cooldownUntil: clock.now() + 60_000,
    lastError: 'concurrency limit\n(code 10811)',
    lastCheckedAt: clock.now(),
    upstreamUserId: 'u-1',
    upstreamUserName: 'Dev',
    plan: 'pro',
  });
  assert.ok(updated);
  assert.equal(updated.label, 'primary');
  assert.equal(updated.status, 'cooling');
  assert.equal(updated.lastError, 'concurrency limit (code 10811)');
  assert.equal(updated.updatedAt, a.createdAt + 1000);
  assert.equal(updated.plan, 'pro');
  const disabled = store.accounts.update(a.id, { enabled: false });
  assert.equal(disabled?.status, 'disabled');
  assert.equal(disabled?.state, 'cooling');
  const cleared = store.accounts.update(a.id, {
    enabled: true,
    maxConcurrency: null,
    cooldownUntil: null,
    lastError: null,
  });
  assert.equal(cleared?.status, 'cooling');
  assert.equal(cleared?.maxConcurrency, null);
  assert.equal(cleared?.lastError, null);
  assert.equal(store.accounts.update(a.id, {})?.updatedAt, cleared?.updatedAt);
  assert.equal(store.accounts.update(404, { enabled: false }), null);
  assert.equal(store.accounts.update(a.id, { lastError: 'x'.repeat(2000) })?.lastError?.length, 500);
});

test('update to a label another account holds is a ConflictError; keeping its own is fine', (t) => {
  const { store } = openTempStore(t);
  const a = store.accounts.add({ kind: 'cookie', cookie: 'a', label: 'a' });
  const b = store.accounts.add({ kind: 'cookie', cookie: 'b', label: 'b' });
  assert.throws(() => store.accounts.update(b.id, { label: 'a' }), isConflict('label', a.id));
  assert.equal(store.accounts.update(b.id, { label: 'b' })?.label, 'b');
});

test('bad input is an InvalidRequestError naming the field, and stores nothing', (t) => {
  const { store } = openTempStore(t);
  const cases: Array<[() => unknown, string]> = [
    [() => store.accounts.add({ kind: 'cookie' }), 'cookie'],
    [() => store.accounts.add({ kind: 'cookie', cookie: '   ' }), 'cookie'],
    [() => store.accounts.add({ kind: 'password', password: 'pw' }), 'email'],
    [() => store.accounts.add({ kind: 'password', email: 'a@b.c' }), 'password'],
    [() => store.accounts.add({ kind: 'password', email: 'not-an-email', password: 'pw' }), 'email'],
    [() => store.accounts.add({ kind: 'cookie', cookie: 'c', label: ' ' }), 'label'],
    [() => store.accounts.add({ kind: 'cookie', cookie: 'c', maxConcurrency: 0 }), 'maxConcurrency'],
    [() => store.accounts.add({ kind: 'cookie', cookie: 'c', maxConcurrency: 1.5 }), 'maxConcurrency'],
  ];
  for (const [run, param] of cases) {
    assert.throws(run, (err: unknown) => err instanceof InvalidRequestError && err.param === param, param);
  }
  assert.deepEqual(store.accounts.list(), []);
});

test("setCookie replaces the cookie and its fingerprint; another account's cookie conflicts", (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const a = store.accounts.add({ kind: 'password', email: 'a@example.com', password: 'pw' });
  const b = store.accounts.add({ kind: 'cookie', cookie: 'cookie-b' });
  assert.equal(a.hasCookie, false);
  clock.advance(5);
  const withCookie = store.accounts.setCookie(a.id, 'cookie-a1', { expiresAt: clock.now() + 3_600_000 });
  assert.equal(withCookie?.hasCookie, true);
  assert.equal(withCookie?.cookieObtainedAt, clock.now());
  assert.equal(withCookie?.cookieExpiresAt, clock.now() + 3_600_000);
  store.accounts.setCookie(a.id, 'cookie-a2', { obtainedAt: 42 });
  assert.equal(store.accounts.findByCookie('cookie-a1'), null);
  assert.equal(store.accounts.findByCookie('cookie-a2')?.cookieObtainedAt, 42);
  assert.equal(store.accounts.setCookie(a.id, 'cookie-a2')?.id, a.id, 'same account may store it again');
  assert.throws(() => store.accounts.setCookie(a.id, 'cookie-b'), isConflict('cookie', b.id));
  assert.equal(store.accounts.setCookie(999, 'cookie-z'), null);
  assert.equal(store.accounts.getSecrets(a.id)?.cookie, 'cookie-a2');
});

test('getSecrets round-trips passwords and cookies, including unicode', (t) => {
  const { store } = openTempStore(t);
  const a = store.accounts.add({
    kind: 'password',
    email: 'a@example.com',
    password: ' p@ss wörd 🔑 ',
    cookie: 'c=1',
  });
  assert.deepEqual(store.accounts.getSecrets(a.id), { password: ' p@ss wörd 🔑 ', cookie: 'c=1' });
  store.accounts.setPassword(a.id, 'second');
  assert.equal(store.accounts.getSecrets(a.id)?.password, 'second');
  const c = store.accounts.add({ kind: 'cookie', cookie: 'only-cookie' });
  assert.deepEqual(store.accounts.getSecrets(c.id), { password: null, cookie: 'only-cookie' });
  assert.throws(() => store.accounts.setPassword(c.id, 'x'), InvalidRequestError);
  assert.equal(store.accounts.setPassword(999, 'x'), null);
  assert.equal(store.accounts.getSecrets(999), null);
});

test('public account objects carry no secret, ciphertext or fingerprint', (t) => {
  const { store } = openTempStore(t);
  const password = 'Secret-Password-123';
  const cookie = 'Secret-Cookie-456';
  const added = store.accounts.add({ kind: 'password', email: 'a@example.com', password, cookie });
  const views: unknown[] = [
    added,
    store.accounts.get(added.id),
    store.accounts.list(),
    store.accounts.findByEmail('a@example.com'),
    store.accounts.findByCookie(cookie),
    store.accounts.update(added.id, { state: 'active' }),
    store.accounts.setCookie(added.id, cookie),
    store.accounts.setPassword(added.id, password),
  ];
  const json = JSON.stringify(views);
  const fingerprint = store.accounts.cookieFingerprint(cookie);
  const forbidden = [
    password,
    cookie,
    fingerprint,
    'v1:',
    '_enc',
    'Enc"',
    'fingerprint',
    '"password":',
    '"cookie":',
  ];
  for (const text of forbidden) {
    assert.ok(!json.includes(text), `public view contains ${text}`);
  }
});
