import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { asyncSqliteStore } from '../../src/store/async-store.js';
import { openStore } from '../../src/store/index.js';
import { SqliteBatch } from '../../src/store/sqlite-batch.js';
import { openTempStore, tempDir } from './temp-store.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('deferred writes wait for the end of the event-loop turn, then another connection sees them', async (t) => {
  const { store: server, file } = openTempStore(t);
  const other = openStore({ file });
  t.after(() => other.close());
  const store = asyncSqliteStore(server);
  const account = server.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  assert.equal(other.tasks.get(task.id)?.state, 'creating', 'begin is committed at once');
  const upstreamId = store.tasks.setUpstreamId(task.id, 'up-1');
  const usage = store.usage.record({ route: 'chat.completions', accountId: account.id, outcome: 'ok' });
  assert.equal(other.tasks.get(task.id)?.upstreamTaskId, null, 'not yet: waits for the end of the turn');
  assert.equal(other.usage.aggregate().overall.requests, 0);
  const [row, usageId] = await Promise.all([upstreamId, usage]);
  assert.equal(typeof usageId, 'number');
  assert.equal(row?.upstreamTaskId, 'up-1');
  assert.equal(other.tasks.get(task.id)?.upstreamTaskId, 'up-1');
  assert.equal(other.usage.aggregate().overall.requests, 1);
});

test('a call that is not deferred runs after the writes waiting before it (the order of calls is kept)', async (t) => {
  const { store: server } = openTempStore(t);
  const store = asyncSqliteStore(server);
  const account = server.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  const stopped = store.tasks.markStopped(task.id);
  const read = await store.tasks.get(task.id);
  assert.equal(read?.state, 'stopped', 'the read ran after the deferred write');
  assert.equal((await stopped)?.state, 'stopped');
});

test('close writes what waits', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'relaypool.db');
  const server = openStore({ file });
  const store = asyncSqliteStore(server);
  const account = server.accounts.add({ kind: 'cookie', cookie: 'c' });
  const task = await store.tasks.begin({ accountId: account.id, purpose: 'stateless' });
  const stopped = store.tasks.markStopped(task.id);
  await store.close();
  assert.equal((await stopped)?.state, 'stopped');
  const reopened = openStore({ file });
  t.after(() => reopened.close());
  assert.equal(reopened.tasks.get(task.id)?.state, 'stopped');
});

test('a failing step fails alone; a failed transaction fails every step in it', async (t) => {
  const db = new Database(join(tempDir(t), 'batch.db'));
  t.after(() => db.close());
  db.exec('CREATE TABLE t (n INTEGER NOT NULL CHECK (n >= 0))');
  const batch = new SqliteBatch(db);
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
  const count = (): unknown => db.prepare('SELECT COUNT(*) FROM t').pluck().get();
  const ok = batch.defer(() => insert.run(1).changes);
  const bad = batch.defer(() => insert.run(-1));
  const later = batch.defer(() => insert.run(2).changes);
  assert.equal(count(), 0);
  assert.equal(await ok, 1);
  await assert.rejects(bad, /CHECK constraint failed/);
  assert.equal(await later, 1);
  assert.equal(count(), 2);

  // The step run at once fails alone too; the deferred write before it still commits.
  const before = batch.defer(() => insert.run(3).changes);
  assert.throws(() => batch.now(() => insert.run(-2)), /CHECK constraint failed/);
  assert.equal(await before, 1);
  assert.equal(count(), 3);

  // A step that ends the transaction itself (here: a COMMIT of its own) leaves nothing to commit:
  // every step of the batch is reported failed.
  const first = batch.defer(() => insert.run(4).changes);
  const breaking = batch.defer(() => db.exec('COMMIT'));
  await assert.rejects(first);
  await assert.rejects(breaking);
  await nextTurn();
  assert.equal(db.inTransaction, false);
});
