import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../fake-upstream/types.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

// Stops always happen: a stop refused for an expired session is retried once the account has a
// session again, the slot stays busy meanwhile, and 10811 caused by our own stopping task waits
// for that stop instead of cooling the account (docs/monkeycode-protocol.md §4.4: the stop frees the slot; docs/monkeycode-protocol.md §7: 10811).

function lastTask(h: Harness): TaskRecord {
  const task = [...h.fake.state.tasks.values()].at(-1);
  assert.ok(task, 'a task exists');
  return task;
}

function rowOf(h: Harness, upstreamId: string) {
  const row = h.store.tasks.findByUpstreamId(upstreamId);
  assert.ok(row, `a row for ${upstreamId}`);
  return row;
}

function stopCalls(h: Harness, taskId: string): number[] {
  return h.fake.requests.flatMap((r) =>
    r.kind === 'http' &&
    r.method === 'PUT' &&
    r.path === '/api/v1/users/tasks/stop' &&
    r.body.raw.includes(taskId)
      ? [r.status]
      : [],
  );
}

describe('stops that need a new session', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('password account: a stop refused as session-expired logs in again (once) and stops the task at once', async () => {
    // A cheap captcha (the login solves its proof-of-work) and time for the re-login at shutdown.
    h = await startHarness({
      accounts: 0,
      fake: { captcha: { enabled: false, c: 2, d: 1 } },
      env: { RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '15000' },
    });
    const user = h.fake.addUser({ email: 'pw@example.com', password: 'secret-pw', plan: 'pro' });
    const check = await h.server.services.accounts.addPassword('pw@example.com', 'secret-pw', {
      label: 'pw',
    });
    const model = check.discovery.allowedModels[0]!.name;
    await h.client.responses.create({ model, input: 'keep my task' });
    const kept = lastTask(h);
    assert.equal(rowOf(h, kept.id).state, 'idle');
    h.fake.expireAllSessions();
    const logins = () =>
      h.fake.requests.filter((r) => r.kind === 'http' && r.path === '/api/v1/users/password-login').length;
    const loginsBefore = logins();
    // Shutting down stops every kept task: the stop meets the dead session first.
    await h.server.close('test');
    assert.equal(h.fake.state.tasks.get(kept.id)?.status, 'finished');
    assert.equal(logins() - loginsBefore, 1, 'one re-login');
    assert.deepEqual(stopCalls(h, kept.id), [401, 200]);
    assert.equal(user.id, h.fake.state.tasks.get(kept.id)?.userId);
  });

  test('cookie account: the stop stays pending (never failed, slot busy) until POST /admin/session brings a session', async () => {
    h = await startHarness();
    await h.client.responses.create({ model: h.model, input: 'keep my task too' });
    const kept = lastTask(h);
    h.fake.expireAllSessions();
    let settled = false;
    const stopped = h.server.services.reaper.stopAndWait(rowOf(h, kept.id)).then(() => (settled = true));
    await h.until('a refused stop', () => stopCalls(h, kept.id).length === 1);
    await h.until('the pending mark', () => rowOf(h, kept.id).lastError?.includes('stop pending') === true);
    const row = rowOf(h, kept.id);
    assert.equal(row.state, 'stopping', 'unfinished: a restart stops it again');
    assert.equal(h.fake.state.tasks.get(kept.id)?.status, 'processing');
    assert.equal(settled, false, 'the stop has not settled: whoever waits on it (the slot) still waits');
    const res = await fetch(`${h.server.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cookie: h.fake.issueSession(h.fake.state.tasks.get(kept.id)!.userId) }),
    });
    assert.equal(res.status, 200);
    await stopped;
    assert.equal(h.fake.state.tasks.get(kept.id)?.status, 'finished');
    assert.equal(rowOf(h, kept.id).state, 'stopped');
  });
});

describe('10811 caused by our own stopping task', () => {
  let h: Harness;
  before(async () => {
    // relaypool believes the account has two slots; the platform allows one (docs/monkeycode-protocol.md §7: the limit is unknown).
    h = await startHarness({
      env: { RELAYPOOL_POOL_MAX_CONCURRENT_PER_ACCOUNT: '2', RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '0' },
    });
  });
  after(() => h.close());

  test('create answers 10811 while our previous task is being stopped: wait for that stop, create again on the same account', async () => {
    let releaseStop!: () => void;
    h.fake.faults.holdNext(
      'PUT',
      '/api/v1/users/tasks/stop',
      new Promise<void>((resolve) => (releaseStop = resolve)),
    );
    const first = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'first, then stopped slowly' }],
    });
    assert.equal(first.choices[0]?.finish_reason, 'stop');
    const firstTask = lastTask(h);
    const second = h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'second' }],
    });
    const refused = () =>
      h.fake.requests.filter(
        (r) =>
          r.kind === 'http' &&
          r.method === 'POST' &&
          r.path === '/api/v1/users/tasks' &&
          r.body.raw.includes('second'),
      ).length;
    await h.until('the refused create', () => refused() === 1);
    assert.equal(
      h.fake.state.tasks.get(firstTask.id)?.status,
      'processing',
      'the first task is still being stopped',
    );
    releaseStop();
    const answer = await second;
    assert.equal(answer.choices[0]?.message.content, 'echo: second');
    assert.equal(refused(), 2, 'created again on the same account after the stop');
    const account = await h.server.services.store.accounts.get(1);
    assert.equal(account?.state, 'active', 'the account was not cooled');
    assert.equal(account?.cooldownUntil, null);
    await h.allTasksStopped();
  });
});
