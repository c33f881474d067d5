import { asyncSqliteStore } from '../../src/store/async-store.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskReaper } from '../../src/pool/task-reaper.js';
import { upstreamFailure } from '../../src/upstream/errors.js';
import { captureLogger } from '../support/log-capture.js';
import { addAccount, flush, ScriptedAdapter, tempStore, testReaper } from './support.js';

/** An adapter whose stops wait until the test releases them, and can fail once. */
class GatedStops extends ScriptedAdapter {
  readonly #gates: Array<() => void> = [];
  failFirst = false;

  /** Let every stop waiting so far finish. */
  release(): void {
    for (const open of this.#gates.splice(0)) open();
  }

  override async stopTask(session: string, taskId: string): Promise<void> {
    this.stopped.push({ session, taskId });
    if (this.failFirst) {
      this.failFirst = false;
      throw upstreamFailure('network', 'stop: connection reset');
    }
    await new Promise<void>((resolve) => this.#gates.push(resolve));
  }
}

function setup(t: Parameters<typeof tempStore>[0], retryDelaysMs: number[] = []) {
  const { store } = tempStore(t);
  const adapter = new GatedStops();
  const reaper = new TaskReaper({
    store: asyncSqliteStore(store),
    adapter,
    logger: captureLogger('silent').logger,
    deleteTasks: false,
    retryDelaysMs,
  });
  const account = addAccount(store, { label: 'a' });
  const running = (upstreamId: string) => {
    const row = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
    return store.tasks.setUpstreamId(row.id, upstreamId) ?? row;
  };
  return { store, adapter, reaper, account, running };
}

test('a serving task stays running until its stop is done, and the first attempt uses the session it was given', async (t) => {
  const { store, adapter, reaper, running } = setup(t);
  const task = running('up-1');
  const done = reaper.stopAndWait(task, { session: 'lease-session' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(
    store.tasks.get(task.id)?.state,
    'running',
    'unfinished while the stop runs: a restart would stop it again',
  );
  assert.deepEqual(adapter.stopped, [{ session: 'lease-session', taskId: 'up-1' }]);
  adapter.release();
  await done;
  assert.equal(store.tasks.get(task.id)?.state, 'stopped');
});

test('a retried stop reads the stored session (it may have been renewed)', async (t) => {
  const { adapter, reaper, running } = setup(t, [0]);
  adapter.failFirst = true;
  const task = running('up-2');
  const done = reaper.stopAndWait(task, { session: 'old-session' });
  while (adapter.stopped.length < 2) await new Promise((resolve) => setImmediate(resolve));
  adapter.release();
  await done;
  assert.deepEqual(
    adapter.stopped.map((s) => s.session),
    ['old-session', 'cookie-a'],
  );
});

test('an idle task is marked stopping while it is stopped, so a restart does not take it over', async (t) => {
  const { store, adapter, reaper, running } = setup(t);
  const task = store.tasks.setState(running('up-3').id, 'idle');
  assert.ok(task);
  const done = reaper.stopAndWait(task);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.tasks.get(task.id)?.state, 'stopping');
  adapter.release();
  await done;
  assert.equal(store.tasks.get(task.id)?.state, 'stopped');
});

test('stopStrays leaves alone a task whose stop is already under way', async (t) => {
  const { adapter, reaper, account, running } = setup(t);
  const beingStopped = running('up-4');
  running('up-5');
  const done = reaper.stopAndWait(beingStopped);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await reaper.stopStrays(account.id, new Set()), 1);
  assert.deepEqual(
    adapter.stopped.map((s) => s.taskId),
    ['up-4', 'up-5'],
  );
  adapter.release();
  await done;
});

/** Lists the account's active tasks (protocol §4.3); a dead session is refused. */
class ListingAdapter extends ScriptedAdapter {
  active: Array<{ id: string; createdAt: number | null }> = [];

  listActiveTasks(session: string): Promise<Array<{ id: string; createdAt: number | null }>> {
    if (this.dead.has(session)) return Promise.reject(upstreamFailure('session-expired', 'list: 401'));
    return Promise.resolve(this.active);
  }
}

test('a create cut by a crash on an account whose session expired: the row stays unfinished and the lookup runs once a session is back', async (t) => {
  const { store } = tempStore(t);
  const adapter = new ListingAdapter();
  const logger = captureLogger('silent').logger;
  const reaper = testReaper(store, adapter, logger);
  const account = addAccount(store, { label: 'a' });
  const row = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  adapter.active = [{ id: 'lost', createdAt: row.createdAt }];
  adapter.dead.add('cookie-a');
  const done = reaper.stopAndWait(row, { recovered: true });
  for (let i = 0; i < 5; i++) await flush();
  assert.equal(store.tasks.get(row.id)?.state, 'stopping', 'never failed while the task may run upstream');
  assert.deepEqual(adapter.stopped, []);
  store.accounts.setCookie(account.id, 'cookie-new');
  await reaper.retryPendingStops();
  await done;
  assert.deepEqual(adapter.stopped, [{ session: 'cookie-new', taskId: 'lost' }]);
  assert.equal(store.tasks.get(row.id)?.state, 'failed');
  assert.match(store.tasks.get(row.id)?.lastError ?? '', /stopped 1 unrecorded task/);
});
