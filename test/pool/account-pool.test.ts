import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { upstreamFailure } from '../../src/upstream/errors.js';
import { NoCapacityError, ServiceUnavailableError } from '../../src/util/errors.js';
import type { Lease } from '../../src/pool/lease.js';
import { addAccount, flush, manualTime, MODEL, tempStore, testPool } from './support.js';

const never = new AbortController().signal;

/** Track a pending acquire: `lease` once granted, `error` once refused. */
function pending(promise: Promise<Lease>): { lease: () => Lease | null; error: () => unknown } {
  let lease: Lease | null = null;
  let error: unknown = null;
  promise.then(
    (granted) => void (lease = granted),
    (err: unknown) => void (error = err),
  );
  return { lease: () => lease, error: () => error };
}

describe('leases and the wait queue', () => {
  test('a lease carries the account, its session and the model id on that account; least-busy spreads', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const b = addAccount(store);
    const { pool } = testPool(store, time);
    const first = await pool.acquire(MODEL, never);
    const second = await pool.acquire(MODEL, never);
    assert.deepEqual([first.account.id, second.account.id], [a.id, b.id]);
    assert.equal(first.session, `cookie-${a.label}`);
    assert.equal(first.modelId, `${MODEL}#${a.id}`);
    assert.deepEqual(
      [...pool.inFlight()],
      [
        [a.id, 1],
        [b.id, 1],
      ],
    );
  });

  test('a freed slot goes to the first waiter at once (no timer involved), and waiters are served FIFO', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time);
    const held = await pool.acquire(MODEL, never);
    const waiters = [1, 2, 3].map(() => pending(pool.acquire(MODEL, never)));
    await flush();
    assert.equal(pool.queued(), 3);
    assert.ok(waiters.every((w) => w.lease() === null));
    let current = held;
    for (let i = 0; i < 3; i++) {
      current.release({ result: 'success' });
      await flush();
      assert.deepEqual(
        waiters.map((w) => w.lease() !== null),
        [0, 1, 2].map((j) => j <= i),
        `after release ${i + 1}`,
      );
      assert.equal(pool.queued(), 2 - i);
      current = waiters[i]!.lease()!;
    }
  });

  test('a waiter for another model is not blocked by an earlier waiter that cannot be served', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store, { models: [MODEL] });
    const b = addAccount(store, { models: ['other'] });
    const { pool } = testPool(store, time);
    await pool.acquire(MODEL, never);
    const stuck = pending(pool.acquire(MODEL, never));
    const other = await pool.acquire('other', never);
    assert.equal(other.account.id, b.id);
    await flush();
    assert.equal(stuck.lease(), null);
    assert.equal(a.id, 1);
  });

  test('the wait is bounded by queueTimeoutMs: 429 pool_busy exactly then, not before', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time, { queueTimeoutMs: 30_000 });
    await pool.acquire(MODEL, never);
    const waiter = pending(pool.acquire(MODEL, never));
    time.advance(29_999);
    await flush();
    assert.equal(waiter.error(), null);
    time.advance(1);
    await flush();
    const err = waiter.error();
    assert.ok(err instanceof NoCapacityError);
    assert.equal(err.code, 'pool_busy');
    assert.match(
      err.message,
      /the only account that can serve this model stayed busy; gave up after waiting 30 s/,
    );
    assert.equal(pool.queued(), 0);
  });

  test('a client abort takes the request out of the queue; the next slot goes to the next waiter', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time);
    const held = await pool.acquire(MODEL, never);
    const controller = new AbortController();
    const leaving = pending(pool.acquire(MODEL, controller.signal));
    const staying = pending(pool.acquire(MODEL, never));
    controller.abort(new Error('client went away'));
    await flush();
    const gone = leaving.error();
    assert.ok(gone instanceof Error && gone.message === 'client went away');
    assert.equal(pool.queued(), 1);
    held.release({ result: 'success' });
    await flush();
    assert.ok(staying.lease());
    await assert.rejects(pool.acquire(MODEL, controller.signal), /client went away/);
  });

  test('the slot is handed on only once the drained promise settles (the upstream task is stopped)', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time);
    const lease = await pool.acquire(MODEL, never);
    let stopped!: () => void;
    lease.release({ result: 'success' }, new Promise<void>((resolve) => (stopped = resolve)));
    lease.release({ result: 'success' });
    const waiter = pending(pool.acquire(MODEL, never));
    await flush();
    assert.equal(waiter.lease(), null);
    stopped();
    await flush();
    assert.ok(waiter.lease());
  });

  test('per-account limits: the override wins over the default', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store, { maxConcurrency: 3 });
    const { pool } = testPool(store, time, { maxConcurrentPerAccount: 1 });
    for (let i = 0; i < 3; i++) assert.equal((await pool.acquire(MODEL, never)).account.id, a.id);
    const fourth = pending(pool.acquire(MODEL, never));
    await flush();
    assert.equal(fourth.lease(), null);
  });

  test("hold() keeps a slot (a crashed run's task being stopped) until its promise settles", async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const { pool } = testPool(store, time);
    let done!: () => void;
    await pool.hold(a.id, new Promise<void>((resolve) => (done = resolve)));
    const waiter = pending(pool.acquire(MODEL, never));
    await flush();
    assert.equal(waiter.lease(), null);
    done();
    await flush();
    assert.ok(waiter.lease());
  });
});

describe('strategies over the pool', () => {
  test('round-robin cycles through the accounts; fill-first fills one before the next', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    for (let i = 0; i < 3; i++) addAccount(store, { maxConcurrency: 2 });
    const rr = testPool(store, time, { strategy: 'round-robin' }).pool;
    const rrIds: number[] = [];
    for (let i = 0; i < 4; i++) {
      const lease = await rr.acquire(MODEL, never);
      rrIds.push(lease.account.id);
      lease.release({ result: 'success' });
    }
    assert.deepEqual(rrIds, [1, 2, 3, 1]);
    await flush(); // the last release is written
    const ff = testPool(store, time, { strategy: 'fill-first' }).pool;
    const ffIds: number[] = [];
    for (let i = 0; i < 4; i++) ffIds.push((await ff.acquire(MODEL, never)).account.id);
    assert.deepEqual(ffIds, [1, 1, 2, 2]);
  });
});

describe('exhaustion and health', () => {
  test('every account cooling: 429 at once with Retry-After = the soonest recovery and a message that says why', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const b = addAccount(store);
    store.accounts.update(a.id, { state: 'cooling', cooldownUntil: time.now() + 12_000 });
    store.accounts.update(b.id, { state: 'cooling', cooldownUntil: time.now() + 40_000 });
    const { pool } = testPool(store, time);
    const err = await pool.acquire(MODEL, never).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof NoCapacityError);
    assert.equal(err.retryAfterSeconds, 12);
    assert.equal(err.message, 'all 2 accounts are cooling down; next in 12 s');
    assert.equal(err.headers()['retry-after'], '12');
    time.advance(12_000);
    assert.equal((await pool.acquire(MODEL, never)).account.id, a.id);
  });

  test('a mixed pool says what each account is; invalid and expired cookie accounts are never picked', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { state: 'invalid' });
    addAccount(store, { state: 'expired' });
    const c = addAccount(store);
    store.accounts.update(c.id, { state: 'cooling', cooldownUntil: time.now() + 3_000 });
    const { pool } = testPool(store, time);
    const err = await pool.acquire(MODEL, never).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof NoCapacityError);
    assert.equal(
      err.message,
      'none of the 3 accounts can take this request: 1 cooling down (next in 3 s), 1 expired (session ended), 1 invalid (credentials refused or banned)',
    );
    assert.equal(err.retryAfterSeconds, 3);
  });

  test('disabled accounts are skipped; with no enabled account the answer is 503, never 500', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    store.accounts.update(a.id, { enabled: false });
    const { pool } = testPool(store, time);
    await assert.rejects(
      pool.acquire(MODEL, never),
      (err: unknown) => err instanceof ServiceUnavailableError && err.code === 'no_usable_account',
    );
  });

  test('exclude: an account this request already tried is never leased again', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const b = addAccount(store);
    const { pool } = testPool(store, time);
    assert.equal((await pool.acquire(MODEL, never, { exclude: new Set([a.id]) })).account.id, b.id);
    await assert.rejects(
      pool.acquire(MODEL, never, { exclude: new Set([a.id, b.id]) }),
      /2 already tried for this request/,
    );
  });

  test('a waiter is woken when a cooldown ends, without waiting for the busy account', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const b = addAccount(store);
    const { pool } = testPool(store, time);
    await pool.acquire(MODEL, never);
    store.accounts.update(b.id, { state: 'cooling', cooldownUntil: time.now() + 2_000 });
    await pool.invalidate();
    const waiter = pending(pool.acquire(MODEL, never));
    time.advance(1_999);
    await flush();
    assert.equal(waiter.lease(), null);
    time.advance(1);
    await flush();
    assert.equal(waiter.lease()?.account.id, b.id);
  });

  test('released failures drive health: 10811 cools the account and asks to stop strays (except live tasks)', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const { pool, strays } = testPool(store, time);
    const first = await pool.acquire(MODEL, never);
    first.attachTask(41);
    first.release({
      result: 'failure',
      failure: upstreamFailure('concurrency', 'create task failed (code 10811)'),
      afterOutput: false,
    });
    await flush();
    assert.equal(store.accounts.get(a.id)?.state, 'cooling');
    assert.equal(store.accounts.get(a.id)?.cooldownUntil, time.now() + 5_000);
    assert.deepEqual(strays, [{ accountId: a.id, keep: [41] }]);
  });

  test('a plan-denied model rests on that account only; the account keeps serving other models', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { models: [MODEL, 'other'] });
    const b = addAccount(store, { models: [MODEL] });
    const { pool } = testPool(store, time);
    const lease = await pool.acquire(MODEL, never);
    lease.release({
      result: 'failure',
      failure: upstreamFailure('model-denied', 'create task failed (code 10812)'),
      afterOutput: false,
    });
    assert.equal((await pool.acquire(MODEL, never)).account.id, b.id);
    assert.equal((await pool.acquire('other', never)).account.id, 1);
    assert.equal(store.accounts.get(1)?.state, 'active');
  });

  test('a banned account becomes invalid and is never picked again', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const b = addAccount(store);
    const { pool } = testPool(store, time);
    const lease = await pool.acquire(MODEL, never);
    lease.release({
      result: 'failure',
      failure: upstreamFailure('banned', 'user is blocked'),
      afterOutput: false,
    });
    await flush();
    assert.equal(store.accounts.get(1)?.state, 'invalid');
    for (let i = 0; i < 3; i++) {
      const next = await pool.acquire(MODEL, never);
      assert.equal(next.account.id, b.id);
      next.release({ result: 'success' });
    }
  });

  test('session expiry of a password account: one re-login (single-flight), requests wait for it and then get the account', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store, { kind: 'password' });
    let finish!: () => void;
    const { pool, relogins } = testPool(store, time, {}, async (id) => {
      await new Promise<void>((resolve) => (finish = resolve));
      store.accounts.setCookie(id, 'new-session');
      store.accounts.update(id, { state: 'active' });
    });
    const lease = await pool.acquire(MODEL, never);
    lease.release({
      result: 'failure',
      failure: upstreamFailure('session-expired', 'not logged in'),
      afterOutput: false,
    });
    await flush();
    assert.equal(store.accounts.get(a.id)?.state, 'expired');
    const waiter = pending(pool.acquire(MODEL, never));
    void pool.health.relogin(a.id, 'expired');
    await flush();
    assert.equal(waiter.lease(), null);
    assert.deepEqual(relogins, [a.id]);
    finish();
    await flush();
    assert.equal(waiter.lease()?.session, 'new-session');
    // A failure reported on the old session afterwards is stale: no second re-login.
    lease.release({
      result: 'failure',
      failure: upstreamFailure('session-expired', 'late'),
      afterOutput: false,
    });
    await pool.health.record(
      a.id,
      { type: 'failure', kind: 'session-expired', message: 'late', model: null },
      `cookie-${a.label}`,
    );
    assert.equal(store.accounts.get(a.id)?.state, 'active');
    assert.deepEqual(relogins, [a.id]);
  });
});

describe('live changes', () => {
  test('an account added by another connection serves a waiting request once the change is seen', async (t) => {
    const time = manualTime();
    const { store, file } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time);
    await pool.acquire(MODEL, never);
    const waiter = pending(pool.acquire(MODEL, never));
    const cli = openStore({ file, secretKey: 'pool-test-key' });
    t.after(() => cli.close());
    const added = addAccount(cli, { label: 'from-cli' });
    await flush();
    assert.equal(waiter.lease(), null);
    await pool.checkForChanges();
    await flush();
    assert.equal(waiter.lease()?.account.id, added.id);
    cli.accounts.update(added.id, { enabled: false });
    cli.accounts.remove(1);
    await pool.checkForChanges();
    await assert.rejects(pool.acquire(MODEL, never), ServiceUnavailableError);
  });

  test('a lease on a removed account still releases cleanly', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    const a = addAccount(store);
    const { pool } = testPool(store, time);
    const lease = await pool.acquire(MODEL, never);
    store.accounts.remove(a.id);
    await pool.invalidate();
    lease.release({ result: 'failure', failure: upstreamFailure('banned', 'x'), afterOutput: false });
    await flush();
    assert.deepEqual([...pool.inFlight()], []);
  });

  test('close() fails waiting requests with 503 and refuses new ones', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store);
    const { pool } = testPool(store, time);
    await pool.acquire(MODEL, never);
    const waiter = pending(pool.acquire(MODEL, never));
    pool.close();
    await flush();
    assert.ok(waiter.error() instanceof ServiceUnavailableError);
    await assert.rejects(pool.acquire(MODEL, never), ServiceUnavailableError);
  });
});
