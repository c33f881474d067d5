import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { manualClock } from '../temp-store.js';

backendTest('create, get, touch and delete a binding', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  const created = await store.conversations.create({
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
  assert.deepEqual(await store.conversations.get('resp_1'), created);
  clock.advance(50);
  const touched = await store.conversations.touch('resp_1', {
    prefixHash: 'p2',
    transcript: { turns: 2 },
    state: 'busy',
  });
  assert.equal(touched?.lastUsedAt, created.createdAt + 50);
  assert.equal(touched?.prefixHash, 'p2');
  assert.deepEqual(touched?.transcript, { turns: 2 });
  assert.equal(touched?.state, 'busy');
  assert.equal(touched?.taskId, task.id, 'absent fields are kept');
  assert.equal((await store.conversations.touch('resp_1', { taskId: null, prefixHash: null }))?.taskId, null);
  assert.equal(await store.conversations.touch('missing'), null);
  assert.equal(await store.conversations.delete('resp_1'), true);
  assert.equal(await store.conversations.delete('resp_1'), false);
  assert.equal(await store.conversations.get('resp_1'), null);
});

backendTest(
  'findByPrefix is scoped by client key and returns the most recently used',
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now });
    const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
    const base = { model: 'm', accountId: account.id, prefixHash: 'same' };
    const older = await store.conversations.create({ ...base, clientKeyHash: 'key-a' });
    clock.advance(1);
    const newer = await store.conversations.create({ ...base, clientKeyHash: 'key-a' });
    const keyless = await store.conversations.create({ ...base, clientKeyHash: null });
    assert.match(older.id, /^[0-9a-f-]{36}$/);
    assert.equal((await store.conversations.findByPrefix('key-a', 'same'))?.id, newer.id);
    clock.advance(1);
    await store.conversations.touch(older.id);
    assert.equal((await store.conversations.findByPrefix('key-a', 'same'))?.id, older.id);
    assert.equal((await store.conversations.findByPrefix(null, 'same'))?.id, keyless.id);
    assert.equal(await store.conversations.findByPrefix('key-b', 'same'), null);
    assert.equal(await store.conversations.findByPrefix('key-a', 'other'), null);
  },
);

backendTest(
  'adoptKept takes over only idle tasks of another process that a binding still points at',
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now, instanceId: 'old' });
    const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
    const bound = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await store.tasks.setUpstreamId(bound.id, 'up-bound');
    await store.tasks.setState(bound.id, 'idle');
    const warm = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await store.tasks.setUpstreamId(warm.id, 'up-warm');
    await store.tasks.setState(warm.id, 'idle');
    const running = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    await store.tasks.setUpstreamId(running.id, 'up-running');
    await store.conversations.create({
      clientKeyHash: null,
      model: 'm-1',
      prefixHash: 'k',
      accountId: account.id,
      taskId: bound.id,
    });
    const next = await open({ now: clock.now, instanceId: 'new' });
    const adopted = await next.tasks.adoptKept();
    assert.deepEqual(
      adopted.map((a) => [a.task.upstreamTaskId, a.task.state, a.task.ownerInstanceId, a.model]),
      [['up-bound', 'idle', 'new', 'm-1']],
    );
    assert.deepEqual(
      (await next.tasks.claimOrphans()).map((task) => task.upstreamTaskId),
      ['up-warm', 'up-running'],
      'the rest are stopped as orphans',
    );
    assert.deepEqual(await next.tasks.adoptKept(), [], 'nothing twice');
  },
);

backendTest(
  'pruneUnbound deletes old bindings whose task is gone, and keeps the live and the recent ones',
  async (t, { open }) => {
    const clock = manualClock();
    const store = await open({ now: clock.now });
    const account = await store.accounts.add({ kind: 'cookie', cookie: 'c' });
    const live = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    const gone = await store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
    await store.tasks.markStopped(gone.id);
    await store.conversations.create({
      id: 'live',
      clientKeyHash: null,
      model: 'm',
      accountId: account.id,
      taskId: live.id,
    });
    await store.conversations.create({
      id: 'gone',
      clientKeyHash: null,
      model: 'm',
      accountId: account.id,
      taskId: gone.id,
    });
    await store.conversations.create({
      id: 'none',
      clientKeyHash: null,
      model: 'm',
      accountId: account.id,
      taskId: null,
    });
    clock.advance(1000);
    await store.conversations.create({
      id: 'recent',
      clientKeyHash: null,
      model: 'm',
      accountId: account.id,
      taskId: null,
    });
    assert.equal(await store.conversations.pruneUnbound(clock.now() - 500), 2);
    const kept = await Promise.all(
      ['live', 'gone', 'none', 'recent'].map((id) => store.conversations.get(id)),
    );
    assert.deepEqual(
      kept.flatMap((c) => (c === null ? [] : [c.id])),
      ['live', 'recent'],
    );
    assert.equal(await store.conversations.count(), 2);
  },
);
