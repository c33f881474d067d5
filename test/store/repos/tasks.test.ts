import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { manualClock } from '../temp-store.js';

backendTest('a task is recorded before its upstream id is known, then gets it', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  assert.equal(task.state, 'creating');
  assert.equal(task.upstreamTaskId, null);
  assert.equal(task.ownerInstanceId, store.instanceId);
  clock.advance(10);
  const running = await store.tasks.setUpstreamId(task.id, 'up-1');
  assert.equal(running?.state, 'running');
  assert.equal(running?.upstreamTaskId, 'up-1');
  assert.equal(running?.updatedAt, task.createdAt + 10);
  assert.equal((await store.tasks.findByUpstreamId('up-1'))?.id, task.id);
  assert.equal(await store.tasks.findByUpstreamId('nope'), null);
});

backendTest('states move on; stopped and failed are final and stamp stoppedAt', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  await store.tasks.setUpstreamId(task.id, 'up-1');
  assert.equal((await store.tasks.setState(task.id, 'idle'))?.state, 'idle');
  assert.equal((await store.tasks.setState(task.id, 'running'))?.state, 'running');
  clock.advance(5);
  const stopped = await store.tasks.markStopped(task.id);
  assert.equal(stopped?.state, 'stopped');
  assert.equal(stopped?.stoppedAt, clock.now());
  assert.equal((await store.tasks.setState(task.id, 'running'))?.state, 'stopped');
  const failed = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  const marked = await store.tasks.setState(failed.id, 'failed', 'create refused: code 10811');
  assert.equal(marked?.lastError, 'create refused: code 10811');
  assert.equal((await store.tasks.setUpstreamId(failed.id, 'late'))?.upstreamTaskId, null);
  assert.equal(await store.tasks.get(999), null);
});

backendTest(
  'a new instance finds tasks left unfinished by a dead one, and claims them once',
  async (t, { open }) => {
    const first = await open();
    const account = await first.accounts.add({ kind: 'cookie', cookie: 'c' });
    const pending = await first.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    const running = await first.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await first.tasks.setUpstreamId(running.id, 'up-running');
    const done = await first.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    await first.tasks.markStopped(done.id);
    await first.close(); // the "crash": nothing stopped the tasks

    const second = await open();
    assert.notEqual(second.instanceId, first.instanceId);
    const own = await second.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    assert.deepEqual(
      (await second.tasks.listNeedingStop()).map((task) => [task.id, task.upstreamTaskId]),
      [
        [pending.id, null],
        [running.id, 'up-running'],
      ],
    );
    assert.deepEqual(
      (await second.tasks.listNeedingStop('own')).map((task) => task.id),
      [own.id],
    );
    const all = (await second.tasks.listNeedingStop('all')).map((task) => task.id);
    assert.deepEqual(all, [pending.id, running.id, own.id]);

    const claimed = await second.tasks.claimOrphans();
    assert.deepEqual(
      claimed.map((task) => [task.id, task.state, task.ownerInstanceId]),
      [
        [pending.id, 'stopping', second.instanceId],
        [running.id, 'stopping', second.instanceId],
      ],
    );
    assert.deepEqual(await second.tasks.claimOrphans(), []);
    assert.deepEqual(await second.tasks.listNeedingStop(), []);
  },
);

backendTest(
  "a live process's tasks are no orphans; once its heartbeat runs out, one survivor claims them",
  async (_t, { open }) => {
    const clock = manualClock();
    const owner = await open({ now: clock.now, instanceId: 'owner' });
    const other = await open({ now: clock.now, instanceId: 'other' });
    const third = await open({ now: clock.now, instanceId: 'third' });
    await owner.slots.heartbeat(10_000);
    const account = await owner.accounts.add({ kind: 'cookie', cookie: 'c' });
    const task = await owner.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    await owner.tasks.setUpstreamId(task.id, 'up-1');
    assert.deepEqual(await other.tasks.listNeedingStop(), []);
    assert.deepEqual(await other.tasks.claimOrphans(), [], 'its owner is alive');
    clock.advance(10_000);
    assert.deepEqual(
      (await other.tasks.listNeedingStop()).map((t) => t.id),
      [task.id],
    );
    await other.slots.heartbeat(10_000);
    await third.slots.heartbeat(10_000);
    const [a, b] = await Promise.all([other.tasks.claimOrphans(), third.tasks.claimOrphans()]);
    assert.equal(a.length + b.length, 1, 'claimed by exactly one survivor');
    assert.equal(await owner.slots.heartbeat(10_000), false, 'the owner learns it was presumed dead');
    assert.equal(await owner.slots.heartbeat(10_000), true);
  },
);

backendTest('busy counts cover creating and running tasks only, per account', async (t, { open }) => {
  const store = await open();
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const b = await store.accounts.add({ kind: 'cookie', cookie: 'b' });
  await store.tasks.begin({ accountId: a.id, purpose: 'stateless' });
  const running = await store.tasks.begin({ accountId: a.id, purpose: 'stateless' });
  await store.tasks.setUpstreamId(running.id, 'up-a');
  const idle = await store.tasks.begin({ accountId: b.id, purpose: 'conversation' });
  await store.tasks.setState(idle.id, 'idle');
  const stopped = await store.tasks.begin({ accountId: b.id, purpose: 'stateless' });
  await store.tasks.markStopped(stopped.id);
  assert.deepEqual([...(await store.tasks.countBusyByAccount())], [[a.id, 2]]);
});

backendTest(
  'pruneFinished deletes only old finished tasks and unbinds their conversations',
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now });
    const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
    const old = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await store.tasks.markStopped(old.id);
    await store.conversations.create({
      id: 'conv',
      clientKeyHash: null,
      model: 'm',
      accountId: account.id,
      taskId: old.id,
    });
    const live = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    clock.advance(1000);
    const recent = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    await store.tasks.markStopped(recent.id);
    assert.equal(await store.tasks.pruneFinished(clock.now() - 500), 1);
    assert.equal(await store.tasks.get(old.id), null);
    assert.ok(await store.tasks.get(live.id));
    assert.ok(await store.tasks.get(recent.id));
    assert.equal((await store.conversations.get('conv'))?.taskId, null);
  },
);

backendTest('a task for an unknown account is refused by the foreign key', async (t, { open, backend }) => {
  const store = await open();
  await assert.rejects(() => store.tasks.begin({ accountId: 42, purpose: 'stateless' }), {
    code: backend === 'sqlite' ? 'SQLITE_CONSTRAINT_FOREIGNKEY' : '23503',
  });
});
