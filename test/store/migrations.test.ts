import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { migrate, schemaVersion, type Migration } from '../../src/store/migrate.js';
import { SCHEMA_VERSION, SchemaVersionError, openStore } from '../../src/store/index.js';
import { openTempStore, tempDir } from './temp-store.js';

const TABLES = [
  'accounts',
  'conversations',
  'processes',
  'responses',
  'slot_leases',
  'tasks',
  'upstream_models',
  'usage',
];

function tableNames(file: string): string[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all()
      .map(String);
  } finally {
    db.close();
  }
}

test('a fresh database is migrated to the current version, with every table', (t) => {
  const { store, file } = openTempStore(t);
  store.close();
  assert.deepEqual(tableNames(file), TABLES);
  const db = new Sqlite(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.ok(SCHEMA_VERSION >= 1);
});

test('reopening is idempotent and keeps data', (t) => {
  const { store, dir, file } = openTempStore(t);
  store.accounts.add({ kind: 'cookie', cookie: 'c1', label: 'one' });
  store.close();
  const again = openStore({ file });
  t.after(() => again.close());
  assert.deepEqual(
    again.accounts.list().map((a) => a.label),
    ['one'],
  );
  assert.deepEqual(tableNames(file), TABLES);
  assert.ok(existsSync(join(dir, 'secret.key')));
});

test('the parent directory is created when missing', (t) => {
  const dir = tempDir(t);
  const { store } = openTempStore(t, { dir, file: join(dir, 'a', 'b', 'relaypool.db') });
  assert.equal(store.accounts.list().length, 0);
  assert.ok(existsSync(join(dir, 'a', 'b', 'secret.key')));
});

test('a database from a newer relaypool is refused with SchemaVersionError', (t) => {
  const { store, file } = openTempStore(t);
  store.close();
  const db = new Sqlite(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(
    () => openStore({ file }),
    (err: unknown) =>
      err instanceof SchemaVersionError &&
      err.found === SCHEMA_VERSION + 1 &&
      err.known === SCHEMA_VERSION &&
      /upgrade relaypool/.test(err.message),
  );
});

test('migrate applies only the missing steps, one version each', () => {
  const db = new Sqlite(':memory:');
  const applied: string[] = [];
  const one: Migration = (d) => void (d.exec('CREATE TABLE a (x)'), applied.push('one'));
  const two: Migration = (d) => void (d.exec('CREATE TABLE b (x)'), applied.push('two'));
  migrate(db, [one]);
  assert.equal(schemaVersion(db), 1);
  migrate(db, [one, two]);
  migrate(db, [one, two]);
  assert.equal(schemaVersion(db), 2);
  assert.deepEqual(applied, ['one', 'two']);
  db.close();
});

test('a failing migration rolls back its step and leaves the version unchanged', () => {
  const db = new Sqlite(':memory:');
  const broken: Migration = (d) => {
    d.exec('CREATE TABLE half (x)');
    throw new Error('boom');
  };
  assert.throws(() => migrate(db, [broken]), /boom/);
  assert.equal(schemaVersion(db), 0);
  assert.equal(db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'").pluck().get(), 0);
  db.close();
});

test('the database is in WAL mode and foreign keys are enforced', (t) => {
  const { store, file } = openTempStore(t);
  store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const db = new Sqlite(file);
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const model = { upstreamId: 'u', name: 'm', interfaceType: 'openai_chat' };
  assert.throws(() => store.models.replaceForAccount(999, [model]), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
});

test('deleting an account cascades models, tasks and conversations and nulls usage.account_id', (t) => {
  const { store, file } = openTempStore(t);
  const account = store.accounts.add({ kind: 'cookie', cookie: 'c' });
  const other = store.accounts.add({ kind: 'cookie', cookie: 'd' });
  store.models.replaceForAccount(account.id, [
    { upstreamId: 'u1', name: 'm1', interfaceType: 'openai_chat' },
  ]);
  const task = store.tasks.begin({ accountId: account.id, purpose: 'conversation' });
  store.conversations.create({
    id: 'conv',
    clientKeyHash: null,
    model: 'm1',
    accountId: account.id,
    taskId: task.id,
  });
  store.usage.record({ route: 'chat.completions', accountId: account.id, promptTokens: 5, outcome: 'ok' });
  store.usage.record({ route: 'chat.completions', accountId: other.id, promptTokens: 1, outcome: 'ok' });

  assert.equal(store.accounts.remove(account.id), true);
  assert.equal(store.accounts.remove(account.id), false);
  assert.deepEqual(store.models.listForAccount(account.id), []);
  assert.equal(store.tasks.get(task.id), null);
  assert.equal(store.conversations.get('conv'), null);
  const db = new Sqlite(file, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT account_id FROM usage ORDER BY id').pluck().all(), [null, other.id]);
});
