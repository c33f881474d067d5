import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { ConflictError, type Account } from '../../../src/store/index.js';
import { manualClock } from '../temp-store.js';

const isConflict = (field: string, accountId: number) => (err: unknown) =>
  err instanceof ConflictError && err.field === field && err.accountId === accountId && err.status === 409;

backendTest('add returns the public view with defaults', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const cookie = await store.accounts.add({ kind: 'cookie', cookie: 'session-1' });
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
  const pw = await store.accounts.add({
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
    (await store.accounts.list()).map((a) => a.id),
    [cookie.id, pw.id],
  );
});

backendTest('a default label never collides with an operator label', async (t, { open }) => {
  const store = await open();
  await store.accounts.add({ kind: 'cookie', cookie: 'c1', label: 'account-2' });
  await store.accounts.add({ kind: 'cookie', cookie: 'c2', label: 'x@example.com' });
  assert.equal((await store.accounts.add({ kind: 'cookie', cookie: 'c3' })).label, 'account-3');
  assert.equal(
    (await store.accounts.add({ kind: 'cookie', cookie: 'c4', label: 'account-4-x' })).label,
    'account-4-x',
  );
  const pw = await store.accounts.add({ kind: 'password', email: 'x@example.com', password: 'pw' });
  assert.equal(pw.label, `account-${pw.id}`);
  await store.accounts.update(pw.id, { label: 'renamed' });
  await store.accounts.add({ kind: 'cookie', cookie: 'c5', label: 'account-7' });
  assert.equal((await store.accounts.add({ kind: 'cookie', cookie: 'c6' })).label, 'account-7-2');
});

backendTest(
  'duplicate label, password email (any case) or cookie is a ConflictError naming the holder',
  async (t, { open }) => {
    const store = await open();
    const a = await store.accounts.add({
      kind: 'password',
      email: 'dev@example.com',
      password: 'pw',
      label: 'main',
    });
    const b = await store.accounts.add({ kind: 'cookie', cookie: 'session-b' });
    await assert.rejects(
      () =>
        store.accounts.add({
          kind: 'cookie',
          cookie: 'other',
          label: 'main',
        }),
      isConflict('label', a.id),
    );
    await assert.rejects(
      () => store.accounts.add({ kind: 'password', email: 'DEV@example.COM', password: 'x' }),
      isConflict('email', a.id),
    );
    await assert.rejects(
      () =>
        store.accounts.add({
          kind: 'cookie',
          cookie: ' session-b ',
        }),
      isConflict('cookie', b.id),
    );
    await assert.rejects(
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
    const c = await store.accounts.add({ kind: 'cookie', cookie: 'session-c', email: 'dev@example.com' });
    assert.equal(c.email, 'dev@example.com');
    assert.equal((await store.accounts.list()).length, 3);
  },
);

backendTest('lookups by email, cookie and fingerprint', async (t, { open }) => {
  const store = await open();
  const cookieAccount = await store.accounts.add({
    kind: 'cookie',
    cookie: 'shared@x',
    email: 'dev@example.com',
  });
  const pw = await store.accounts.add({
    kind: 'password',
    email: 'dev@example.com',
    password: 'pw',
    cookie: 'session-pw',
  });
  assert.equal((await store.accounts.findByEmail('DEV@example.com'))?.id, pw.id, 'password account first');
  assert.equal(await store.accounts.findByEmail('nobody@example.com'), null);
  assert.equal((await store.accounts.findByCookie('session-pw'))?.id, pw.id);
  assert.equal((await store.accounts.findByCookie('shared@x'))?.id, cookieAccount.id);
  assert.equal(await store.accounts.findByCookie('unknown'), null);
  const fingerprint = store.accounts.cookieFingerprint('session-pw');
  assert.match(fingerprint, /^[0-9a-f]{64}$/);
  assert.equal((await store.accounts.findByCookieFingerprint(fingerprint))?.id, pw.id);
  assert.equal(await store.accounts.get(999), null);
});

backendTest(
  'update applies a patch, bumps updatedAt, and shows disabled as the status',
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now });
    const a = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
    clock.advance(1000);
    const updated = await store.accounts.update(a.id, {
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
    const disabled = await store.accounts.update(a.id, { enabled: false });
    assert.equal(disabled?.status, 'disabled');
    assert.equal(disabled?.state, 'cooling');
    const cleared = await store.accounts.update(a.id, {
      enabled: true,
      maxConcurrency: null,
      cooldownUntil: null,
      lastError: null,
    });
    assert.equal(cleared?.status, 'cooling');
    assert.equal(cleared?.maxConcurrency, null);
    assert.equal(cleared?.lastError, null);
    assert.equal((await store.accounts.update(a.id, {}))?.updatedAt, cleared?.updatedAt);
    assert.equal(await store.accounts.update(404, { enabled: false }), null);
    assert.equal(
      (await store.accounts.update(a.id, { lastError: 'x'.repeat(2000) }))?.lastError?.length,
      500,
    );
  },
);

backendTest(
  'update to a label another account holds is a ConflictError; keeping its own is fine',
  async (t, { open }) => {
    const store = await open();
    const a = await store.accounts.add({ kind: 'cookie', cookie: 'a', label: 'a' });
    const b = await store.accounts.add({ kind: 'cookie', cookie: 'b', label: 'b' });
    await assert.rejects(() => store.accounts.update(b.id, { label: 'a' }), isConflict('label', a.id));
    assert.equal((await store.accounts.update(b.id, { label: 'b' }))?.label, 'b');
  },
);

backendTest(
  'bad input is an InvalidRequestError naming the field, and stores nothing',
  async (t, { open }) => {
    const store = await open();
    const cases: Array<[() => Promise<unknown>, string]> = [
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
      await assert.rejects(
        run,
        (err: unknown) => err instanceof InvalidRequestError && err.param === param,
        param,
      );
    }
    assert.deepEqual(await store.accounts.list(), []);
  },
);

backendTest(
  "setCookie replaces the cookie and its fingerprint; another account's cookie conflicts",
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now });
    const a = await store.accounts.add({ kind: 'password', email: 'a@example.com', password: 'pw' });
    const b = await store.accounts.add({ kind: 'cookie', cookie: 'cookie-b' });
    assert.equal(a.hasCookie, false);
    clock.advance(5);
    const withCookie = await store.accounts.setCookie(a.id, 'cookie-a1', {
      expiresAt: clock.now() + 3_600_000,
    });
    assert.equal(withCookie?.hasCookie, true);
    assert.equal(withCookie?.cookieObtainedAt, clock.now());
    assert.equal(withCookie?.cookieExpiresAt, clock.now() + 3_600_000);
    await store.accounts.setCookie(a.id, 'cookie-a2', { obtainedAt: 42 });
    assert.equal(await store.accounts.findByCookie('cookie-a1'), null);
    assert.equal((await store.accounts.findByCookie('cookie-a2'))?.cookieObtainedAt, 42);
    assert.equal(
      (await store.accounts.setCookie(a.id, 'cookie-a2'))?.id,
      a.id,
      'same account may store it again',
    );
    await assert.rejects(() => store.accounts.setCookie(a.id, 'cookie-b'), isConflict('cookie', b.id));
    assert.equal(await store.accounts.setCookie(999, 'cookie-z'), null);
    assert.equal((await store.accounts.getSecrets(a.id))?.cookie, 'cookie-a2');
  },
);

backendTest('getSecrets round-trips passwords and cookies, including unicode', async (t, { open }) => {
  const store = await open();
  const a = await store.accounts.add({
    kind: 'password',
    email: 'a@example.com',
    password: ' p@ss wörd 🔑 ',
    cookie: 'c=1',
  });
  assert.deepEqual(await store.accounts.getSecrets(a.id), { password: ' p@ss wörd 🔑 ', cookie: 'c=1' });
  await store.accounts.setPassword(a.id, 'second');
  assert.equal((await store.accounts.getSecrets(a.id))?.password, 'second');
  const c = await store.accounts.add({ kind: 'cookie', cookie: 'only-cookie' });
  assert.deepEqual(await store.accounts.getSecrets(c.id), { password: null, cookie: 'only-cookie' });
  await assert.rejects(() => store.accounts.setPassword(c.id, 'x'), InvalidRequestError);
  assert.equal(await store.accounts.setPassword(999, 'x'), null);
  assert.equal(await store.accounts.getSecrets(999), null);
});

backendTest('public account objects carry no secret, ciphertext or fingerprint', async (t, { open }) => {
  const store = await open();
  const password = 'Secret-Password-123';
  const cookie = 'Secret-Cookie-456';
  const added = await store.accounts.add({ kind: 'password', email: 'a@example.com', password, cookie });
  const views: unknown[] = [
    added,
    await store.accounts.get(added.id),
    await store.accounts.list(),
    await store.accounts.findByEmail('a@example.com'),
    await store.accounts.findByCookie(cookie),
    await store.accounts.update(added.id, { state: 'active' }),
    await store.accounts.setCookie(added.id, cookie),
    await store.accounts.setPassword(added.id, password),
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
