import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { manualClock } from '../temp-store.js';

const TTL = 15_000;

backendTest(
  'an account limit holds across processes; a released slot is free again',
  async (_t, { open }) => {
    const clock = manualClock();
    const a = await open({ now: clock.now, instanceId: 'proc-a' });
    const b = await open({ now: clock.now, instanceId: 'proc-b' });
    await a.slots.heartbeat(TTL);
    await b.slots.heartbeat(TTL);
    const account = await a.accounts.add({ kind: 'cookie', cookie: 'c' });
    const first = await a.slots.take(account.id, 2, 'serving');
    assert.equal(first?.holder, 'proc-a');
    const second = await b.slots.take(account.id, 2, 'serving');
    assert.equal(second?.holder, 'proc-b');
    assert.equal(await a.slots.take(account.id, 2, 'serving'), null);
    assert.equal(await b.slots.take(account.id, 2, 'idle'), null);
    assert.deepEqual([...(await b.slots.countByAccount())], [[account.id, { serving: 2, idle: 0 }]]);
    assert.equal(await b.slots.release(first?.id ?? 0), true, 'any process may free a slot it knows');
    assert.equal(await b.slots.release(first?.id ?? 0), false);
    assert.equal((await b.slots.take(account.id, 2, 'serving'))?.holder, 'proc-b');
  },
);

backendTest('parallel takers on every process get exactly the limit', async (_t, { open }) => {
  const stores = await Promise.all(['p1', 'p2', 'p3'].map((instanceId) => open({ instanceId })));
  await Promise.all(stores.map((s) => s.slots.heartbeat(TTL)));
  const account = await stores[0]?.accounts.add({ kind: 'cookie', cookie: 'c' });
  const id = account?.id ?? 0;
  const attempts = stores.flatMap((s) => Array.from({ length: 8 }, () => s.slots.take(id, 1, 'serving')));
  const taken = (await Promise.all(attempts)).filter((lease) => lease !== null);
  assert.equal(taken.length, 1);
  assert.deepEqual([...((await stores[1]?.slots.countByAccount()) ?? [])], [[id, { serving: 1, idle: 0 }]]);
});

backendTest(
  'a dead process loses its slots and login locks when its heartbeat runs out',
  async (_t, { open }) => {
    const clock = manualClock();
    const dying = await open({ now: clock.now, instanceId: 'dying' });
    const survivor = await open({ now: clock.now, instanceId: 'survivor' });
    assert.equal(await dying.slots.heartbeat(TTL), false, 'first beat: was not alive');
    assert.equal(await dying.slots.heartbeat(TTL), true);
    await survivor.slots.heartbeat(TTL);
    const account = await dying.accounts.add({ kind: 'cookie', cookie: 'c' });
    assert.ok(await dying.slots.take(account.id, 1, 'serving'));
    assert.equal(await survivor.slots.take(account.id, 1, 'serving'), null);
    assert.equal(await dying.accounts.tryLockLogin(account.id, 'dying', 10 * TTL), true, 'killed mid-login');
    clock.advance(TTL - 1);
    await survivor.slots.heartbeat(TTL);
    assert.equal(await survivor.slots.take(account.id, 1, 'serving'), null, 'still alive');
    assert.deepEqual(await survivor.slots.liveProcesses(), ['dying', 'survivor']);
    clock.advance(1); // `dying` stopped beating TTL ms ago
    assert.deepEqual(await survivor.slots.liveProcesses(), ['survivor']);
    assert.equal(
      await survivor.slots.take(account.id, 1, 'serving'),
      null,
      'its task may still run upstream: the slot counts until a survivor expires it',
    );
    assert.equal(await survivor.accounts.tryLockLogin(account.id, 'survivor', TTL), false);
    assert.deepEqual(await survivor.slots.expireDead(), ['dying']);
    assert.deepEqual(await survivor.slots.expireDead(), []);
    assert.equal(
      await survivor.accounts.tryLockLogin(account.id, 'survivor', TTL),
      true,
      'its login lock went with it, long before the lock would have run out',
    );
    assert.equal((await survivor.slots.take(account.id, 1, 'serving'))?.holder, 'survivor');
    assert.deepEqual([...(await survivor.slots.countByAccount())], [[account.id, { serving: 1, idle: 0 }]]);
  },
);

backendTest(
  'an idle task keeps its slot; only its holder re-marks it; leaving frees everything',
  async (_t, { open }) => {
    const a = await open({ instanceId: 'a' });
    const b = await open({ instanceId: 'b' });
    await a.slots.heartbeat(TTL);
    await b.slots.heartbeat(TTL);
    const account = await a.accounts.add({ kind: 'cookie', cookie: 'c' });
    const task = await a.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    const lease = await a.slots.take(account.id, 3, 'serving', task.id);
    assert.equal(lease?.taskId, task.id);
    const idle = await a.slots.mark(lease?.id ?? 0, 'idle', task.id);
    assert.equal(idle?.kind, 'idle');
    assert.equal(await b.slots.mark(lease?.id ?? 0, 'serving'), null);
    await b.slots.take(account.id, 3, 'serving');
    assert.deepEqual([...(await b.slots.countByAccount())], [[account.id, { serving: 1, idle: 1 }]]);
    await a.slots.leave();
    assert.deepEqual([...(await b.slots.countByAccount())], [[account.id, { serving: 1, idle: 0 }]]);
    assert.deepEqual(await b.slots.liveProcesses(), ['b']);
    await b.accounts.remove(account.id);
    assert.deepEqual([...(await b.slots.countByAccount())], [], 'a removed account takes its leases along');
  },
);

backendTest('a waiter in another process wakes when a slot frees', async (t, { open, backend }) => {
  const waiter = await open({ instanceId: 'waiter' });
  const holder = await open({ instanceId: 'holder' });
  await holder.slots.heartbeat(TTL);
  const account = await holder.accounts.add({ kind: 'cookie', cookie: 'c' });
  const lease = await holder.slots.take(account.id, 1, 'serving');
  let wake: (accountId: number | null) => void = () => {};
  const woken = new Promise<number | null>((resolve) => (wake = resolve));
  const stop = await waiter.onSlotFreed((accountId) => wake(accountId));
  t.after(stop);
  await holder.slots.release(lease?.id ?? 0);
  assert.equal(await woken, backend === 'postgres' ? account.id : null);
  assert.equal(
    await waiter.slots.take(account.id, 1, 'serving'),
    null,
    'not registered: its lease would not count',
  );
  await waiter.slots.heartbeat(TTL);
  assert.ok(await waiter.slots.take(account.id, 1, 'serving'));
});

backendTest('a process says which accounts it wants; others read it while it lives', async (_t, { open }) => {
  const clock = manualClock();
  const waiter = await open({ now: clock.now, instanceId: 'waiter' });
  const holder = await open({ now: clock.now, instanceId: 'holder' });
  await waiter.slots.heartbeat(TTL);
  await holder.slots.heartbeat(TTL);
  assert.deepEqual(await holder.slots.wantedByOthers(), []);
  await waiter.slots.want([7, 3, 7]);
  assert.deepEqual(await holder.slots.wantedByOthers(), [3, 7]);
  assert.deepEqual(await waiter.slots.wantedByOthers(), [], 'not its own wants');
  clock.advance(TTL);
  await holder.slots.heartbeat(TTL);
  assert.deepEqual(await holder.slots.wantedByOthers(), [], 'a dead process wants nothing');
  await waiter.slots.heartbeat(TTL);
  await waiter.slots.want([]);
  assert.deepEqual(await holder.slots.wantedByOthers(), []);
});

backendTest(
  'an idle task is handed over to the process that asks, with its slot lease, once',
  async (_t, { open }) => {
    const holder = await open({ instanceId: 'holder' });
    const asker = await open({ instanceId: 'asker' });
    await holder.slots.heartbeat(TTL);
    await asker.slots.heartbeat(TTL);
    const account = await holder.accounts.add({ kind: 'cookie', cookie: 'c' });
    const task = await holder.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await holder.tasks.setUpstreamId(task.id, 'up-1');
    await holder.tasks.setState(task.id, 'idle');
    const lease = await holder.slots.take(account.id, 1, 'idle');
    assert.deepEqual(await holder.slots.handoffsRequested(), []);
    assert.equal(await holder.slots.handOver(task.id, lease?.id ?? 0, 'asker'), false, 'nobody asked');
    await asker.slots.requestHandoffs([task.id]);
    assert.deepEqual(await holder.slots.handoffsRequested(), [{ taskId: task.id, to: 'asker' }]);
    assert.equal(await holder.slots.handOver(task.id, lease?.id ?? 0, 'asker'), true);
    assert.equal(await holder.slots.handOver(task.id, lease?.id ?? 0, 'asker'), false, 'no longer its task');
    assert.equal((await asker.tasks.get(task.id))?.ownerInstanceId, 'asker');
    assert.equal(await asker.slots.leaseOfTask(task.id), lease?.id);
    assert.equal(await holder.slots.leaseOfTask(task.id), null);
    assert.equal(await asker.slots.take(account.id, 1, 'serving'), null, 'the slot stayed taken throughout');
    await asker.slots.requestHandoffs([]);
    assert.deepEqual(await holder.slots.handoffsRequested(), []);
  },
);
