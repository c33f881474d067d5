import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualClock, openTempStore } from './temp-store.js';

test('create, get, touch and delete a binding', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  const created = store.conversations.create({
    id: 'resp_1',
    clientKeyHash: 'key-a',
    model: 'gpt-4o',
    prefixHash: 'p1',
    accountId: account.id,
    taskId: task.id,
    transcript: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(created, {
    id: 'resp_1',
    clientKeyHash: 'key-a',
    model: 'gpt-4o',
    prefixHash: 'p1',
    accountId: account.id,
    taskId: task.id,
    transcript: [{ role: 'user', content: 'hi' }],
    state: 'idle',
    createdAt: clock.now(),
    lastUsedAt: clock.now(),
  });
  assert.deepEqual(store.conversations.get('resp_1'), created);
  clock.advance(50);
  const touched = store.conversations.touch('resp_1', {
    prefixHash: 'p2',
    transcript: { turns: 2 },
    state: 'busy',
  });
  assert.equal(touched?.lastUsedAt, created.createdAt + 50);
  assert.equal(touched?.prefixHash, 'p2');
  assert.deepEqual(touched?.transcript, { turns: 2 });
  assert.equal(touched?.state, 'busy');
  assert.equal(touched?.taskId, task.id, 'absent fields are kept');
  assert.equal(store.conversations.touch('resp_1', { taskId: null, prefixHash: null })?.taskId, null);
  assert.equal(store.conversations.touch('missing'), null);
  assert.equal(store.conversations.delete('resp_1'), true);
  assert.equal(store.conversations.delete('resp_1'), false);
  assert.equal(store.conversations.get('resp_1'), null);
});

test('findByPrefix is scoped by client key and returns the most recently used', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const base = { model: 'm', accountId: account.id, prefixHash: 'same' };
  const older = store.conversations.create({ ...base, clientKeyHash: 'key-a' });
  clock.advance(1);
  const newer = store.conversations.create({ ...base, clientKeyHash: 'key-a' });
  const keyless = store.conversations.create({ ...base, clientKeyHash: null });
  assert.match(older.id, /^[0-9a-f-]{36}$/);
  assert.equal(store.conversations.findByPrefix('key-a', 'same')?.id, newer.id);
  clock.advance(1);
  store.conversations.touch(older.id);
  assert.equal(store.conversations.findByPrefix('key-a', 'same')?.id, older.id);
  assert.equal(store.conversations.findByPrefix(null, 'same')?.id, keyless.id);
  assert.equal(store.conversations.findByPrefix('key-b', 'same'), null);
  assert.equal(store.conversations.findByPrefix('key-a', 'other'), null);
});

test('adoptKept takes over only idle tasks of another process that a binding still points at', (t) => {
  const clock = manualClock();
  const { store, file, dir } = openTempStore(t, { now: clock.now, instanceId: 'old', secretKey: 'k' });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const bound = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.setUpstreamId(bound.id, 'up-bound');
  store.tasks.setState(bound.id, 'idle');
  const warm = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.setUpstreamId(warm.id, 'up-warm');
  store.tasks.setState(warm.id, 'idle');
  const running = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  store.tasks.setUpstreamId(running.id, 'up-running');
  store.conversations.create({
    clientKeyHash: null,
    model: 'm-1',
    prefixHash: 'k',
    accountId: account.id,
    taskId: bound.id,
  });
  const { store: next } = openTempStore(t, { dir, file, now: clock.now, instanceId: 'new', secretKey: 'k' });
  const adopted = next.tasks.adoptKept();
  assert.deepEqual(
    adopted.map((a) => [a.task.upstreamTaskId, a.task.state, a.task.ownerInstanceId, a.model]),
    [['up-bound', 'idle', 'new', 'm-1']],
  );
  assert.deepEqual(
    next.tasks.claimOrphans().map((task) => task.upstreamTaskId),
    ['up-warm', 'up-running'],
    'the rest are stopped as orphans',
  );
  assert.deepEqual(next.tasks.adoptKept(), [], 'nothing twice');
});

test('pruneUnbound deletes old bindings whose task is gone, and keeps the live and the recent ones', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const live = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  const gone = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.markStopped(gone.id);
  store.conversations.create({
    id: 'live',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: live.id,
  });
  store.conversations.create({
    id: 'gone',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: gone.id,
  });
  store.conversations.create({
    id: 'none',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: null,
  });
  clock.advance(1000);
  store.conversations.create({
    id: 'recent',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: null,
  });
  assert.equal(store.conversations.pruneUnbound(clock.now() - 500), 2);
  assert.deepEqual(
    ['live', 'gone', 'none', 'recent'].filter((id) => store.conversations.get(id) !== null),
    ['live', 'recent'],
  );
  assert.equal(store.conversations.count(), 2);
});
