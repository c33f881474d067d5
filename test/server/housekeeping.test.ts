import { asyncSqliteStore } from '../../src/store/async-store.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHousekeeping } from '../../src/server/housekeeping.js';
import { captureLogger } from '../support/log-capture.js';
import { flush, manualTime } from '../pool/support.js';
import { openTempStore } from '../store/temp-store.js';

test('housekeeping prunes finished task rows after a day and dead bindings after an hour, now and every ten minutes', async (t) => {
  const time = manualTime();
  const { store } = openTempStore(t, { now: time.now });
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const finished = store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  store.tasks.markStopped(finished.id);
  const idle = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.tasks.setState(idle.id, 'idle');
  store.conversations.create({
    id: 'dead',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: finished.id,
  });
  store.conversations.create({
    id: 'alive',
    clientKeyHash: null,
    model: 'm',
    accountId: account.id,
    taskId: idle.id,
  });
  const stop = startHousekeeping(
    asyncSqliteStore(store),
    time.timers,
    time.now,
    captureLogger('silent').logger,
  );
  assert.ok(store.tasks.get(finished.id), 'nothing is old enough yet');
  // Each run is awaited before the next is scheduled: time goes on one run at a time.
  const runsFor = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 10 * 60_000) {
      await flush();
      time.advance(Math.min(left, 10 * 60_000));
    }
    await flush();
  };
  await runsFor(3_600_000 + 10 * 60_000);
  assert.equal(store.conversations.get('dead'), null, 'the dead binding went after an hour');
  assert.ok(store.tasks.get(finished.id), 'the finished row stays for a day');
  await runsFor(24 * 3_600_000);
  assert.equal(store.tasks.get(finished.id), null);
  assert.ok(store.tasks.get(idle.id), 'unfinished rows are never pruned');
  assert.ok(store.conversations.get('alive'));
  stop();
  assert.equal(time.pending(), 0, 'stopped: no timer left');
});
