import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { manualClock, openTempStore } from './temp-store.js';

test('a task is recorded before its upstream id is known, then gets it', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  assert.equal(task.state, 'creating');
  assert.equal(task.upstreamTaskId, null);
  assert.equal(task.ownerInstanceId, store.instanceId);
  clock.advance(10);
  const running = store.tasks.setUpstreamId(task.id, 'up-1');
  assert.equal(running?.state, 'running');
  assert.equal(running?.upstreamTaskId, 'up-1');
  assert.equal(running?.updatedAt, task.createdAt + 10);
  assert.equal(store.tasks.findByUpstreamId('up-1')?.id, task.id);
  assert.equal(store.tasks.findByUpstreamId('nope'), null);
});

test('states move on; stopped and failed are final and stamp stoppedAt', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.setUpstreamId(task.id, 'up-1');
  assert.equal(store.tasks.setState(task.id, 'idle')?.state, 'idle');
  assert.equal(store.tasks.setState(task.id, 'running')?.state, 'running');
  clock.advance(5);
  const stopped = store.tasks.markStopped(task.id);
  assert.equal(stopped?.state, 'stopped');
  assert.equal(stopped?.stoppedAt, clock.now());
  assert.equal(store.tasks.setState(task.id, 'running')?.state, 'stopped');
  const failed = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  const marked = store.tasks.setState(failed.id, 'failed', 'create refused: code 10811');
  assert.equal(marked?.lastError, 'create refused: code 10811');
  assert.equal(store.tasks.setUpstreamId(failed.id, 'late')?.upstreamTaskId, null);
  assert.equal(store.tasks.get(999), null);
});

test('a new instance finds tasks left unfinished by a dead one, and claims them once', (t) => {
  const { store: first, file } = openTempStore(t);
  const account = first.accounts.add({ kind: 'cookie', cookie: 'c' });
  const pending = first.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  const running = first.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  first.tasks.setUpstreamId(running.id, 'up-running');
  const done = first.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  first.tasks.markStopped(done.id);
  first.close(); // the "crash": nothing stopped the tasks

  const second = openStore({ file });
  t.after(() => second.close());
  assert.notEqual(second.instanceId, first.instanceId);
  const own = second.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  assert.deepEqual(
    second.tasks.listNeedingStop().map((task) => [task.id, task.upstreamTaskId]),
    [
      [pending.id, null],
      [running.id, 'up-running'],
    ],
  );
  assert.deepEqual(
    second.tasks.listNeedingStop('own').map((task) => task.id),
    [own.id],
  );
  const all = second.tasks.listNeedingStop('all').map((task) => task.id);
  assert.deepEqual(all, [pending.id, running.id, own.id]);

  const claimed = second.tasks.claimOrphans();
  assert.deepEqual(
    claimed.map((task) => [task.id, task.state, task.ownerInstanceId]),
    [
      [pending.id, 'stopping', second.instanceId],
      [running.id, 'stopping', second.instanceId],
    ],
  );
  assert.deepEqual(second.tasks.claimOrphans(), []);
  assert.deepEqual(second.tasks.listNeedingStop(), []);
});

test('busy counts cover creating and running tasks only, per account', (t) => {
  const { store } = openTempStore(t);
  const a = store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const b = store.accounts.add({ kind: 'cookie', cookie: 'b' });
  store.tasks.begin({ accountId: a.id, purpose: 'stateless' });
  const running = store.tasks.begin({ accountId: a.id, purpose: 'stateless' });
  store.tasks.setUpstreamId(running.id, 'up-a');
  const idle = store.tasks.begin({ accountId: b.id, purpose: 'conversation' });
  store.tasks.setState(idle.id, 'idle');
  const stopped = store.tasks.begin({ accountId: b.id, purpose: 'stateless' });
  store.tasks.markStopped(stopped.id);
  assert.deepEqual([...store.tasks.countBusyByAccount()], [[a.id, 2]]);
});

test('pruneFinished deletes only old finished tasks and unbinds their conversations', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const old = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.markStopped(old.id);
  store.conversations.create({
    id: 'conv',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: old.id,
  });
  const live = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  clock.advance(1000);
  const recent = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  store.tasks.markStopped(recent.id);
  assert.equal(store.tasks.pruneFinished(clock.now() - 500), 1);
  assert.equal(store.tasks.get(old.id), null);
  assert.ok(store.tasks.get(live.id));
  assert.ok(store.tasks.get(recent.id));
  assert.equal(store.conversations.get('conv')?.taskId, null);
});

test('a task for an unknown account is refused by the foreign key', (t) => {
  const { store } = openTempStore(t);
  assert.throws(() => store.tasks.begin({ accountId: 42, purpose: 'stateless' }), {
    code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  });
});
