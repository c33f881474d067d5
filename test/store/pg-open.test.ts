import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { openStore, SchemaVersionError, SecretKeyError } from '../../src/store/index.js';
import { pgMigrations } from '../../src/store/pg/pg-schema.js';
import { openAsyncStore } from '../../src/store/open-async-store.js';
import { UserError } from '../../src/util/errors.js';
import { freshPostgresUrl } from '../support/postgres-server.js';
import { backendTest, TEST_SECRET_KEY } from './backends.js';
import { createPgDb, sql } from '../../src/store/pg/pg-db.js';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

test('a PostgreSQL store without a secret key is refused with one line naming RELAYPOOL_SECRET_KEY', async () => {
  const url = await freshPostgresUrl();
  await assert.rejects(
    () => openAsyncStore({ db: url }),
    (err: unknown) =>
      err instanceof SecretKeyError &&
      err.message.includes('RELAYPOOL_SECRET_KEY') &&
      !err.message.includes('\n'),
  );
});

test('a server that is not PostgreSQL names host and port, never the password', async (t) => {
  // Something listens, but hangs up at once: the port stays ours for the whole test.
  const server = await new Promise<Server>((resolve) => {
    const s = createServer((socket) => socket.destroy());
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  t.after(() => server.close());
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `postgresql://relay:Hunter2-Secret@127.0.0.1:${port}/pool?sslmode=disable`;
  await assert.rejects(
    () => openAsyncStore({ db: url, secretKey: TEST_SECRET_KEY }),
    (err: unknown) =>
      err instanceof UserError &&
      err.message.startsWith(`cannot open the PostgreSQL store at 127.0.0.1:${port}/pool: `) &&
      !err.message.includes('Hunter2'),
  );
});

test('the synchronous SQLite store refuses a PostgreSQL URL instead of creating a file named after it', () => {
  assert.throws(
    () => openStore({ file: 'postgres://relay:Hunter2-Secret@db.internal:6543/pool' }),
    (err: unknown) =>
      err instanceof UserError &&
      err.message.includes('db.internal:6543') &&
      !err.message.includes('Hunter2'),
  );
});

test('processes opening a fresh PostgreSQL database at once migrate it exactly once', async () => {
  const url = await freshPostgresUrl();
  const stores = await Promise.all(
    [1, 2, 3].map(() => openAsyncStore({ db: url, secretKey: TEST_SECRET_KEY })),
  );
  try {
    const account = await stores[0]?.accounts.add({ kind: 'cookie', cookie: 'c' });
    assert.equal((await stores[2]?.accounts.get(account?.id ?? 0))?.label, 'account-1');
    const versions = await withClient(
      url,
      async (c) => (await c.query<{ version: number }>('SELECT version FROM relaypool_schema')).rows,
    );
    assert.deepEqual(versions, [{ version: pgMigrations.length }]);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('a PostgreSQL database written by newer code is refused', async () => {
  const url = await freshPostgresUrl();
  const store = await openAsyncStore({ db: url, secretKey: TEST_SECRET_KEY });
  await store.close();
  await withClient(url, (c) => c.query('UPDATE relaypool_schema SET version = 99'));
  await assert.rejects(
    () => openAsyncStore({ db: url, secretKey: TEST_SECRET_KEY }),
    (err: unknown) =>
      err instanceof SchemaVersionError && err.found === 99 && !err.message.includes('postgres:postgres'),
  );
});

test('PostgreSQL holds credentials sealed: no plaintext password or cookie in any row', async () => {
  const url = await freshPostgresUrl();
  const store = await openAsyncStore({ db: url, secretKey: TEST_SECRET_KEY });
  try {
    const a = await store.accounts.add({
      kind: 'password',
      email: 'a@example.com',
      password: 'Pw-Plain-1',
      cookie: 'Ck-Plain-2',
    });
    const rows = await withClient(url, async (c) =>
      JSON.stringify((await c.query('SELECT * FROM accounts')).rows),
    );
    assert.ok(!rows.includes('Pw-Plain-1') && !rows.includes('Ck-Plain-2'));
    assert.deepEqual(await store.accounts.getSecrets(a.id), { password: 'Pw-Plain-1', cookie: 'Ck-Plain-2' });
  } finally {
    await store.close();
  }
});

backendTest(
  'the data version moves when another connection changes accounts or models',
  async (_t, { open }) => {
    const reader = await open();
    const writer = await open();
    const before = await reader.dataVersion();
    const account = await writer.accounts.add({ kind: 'cookie', cookie: 'c' });
    const afterAdd = await reader.dataVersion();
    assert.notEqual(afterAdd, before);
    await writer.models.coolModel(account.id, 'm', 1);
    await writer.accounts.update(account.id, { enabled: false });
    assert.notEqual(await reader.dataVersion(), afterAdd);
  },
);

backendTest('client key scopes depend on the secret key only, not on the backend', async (_t, { open }) => {
  const store = await open();
  // HMAC-SHA-256 of "sk-test" under HKDF(0x11 * 32, "relaypool/v1/client-key-scope"), fixed for every backend.
  const sqlite = await openAsyncStore({ db: ':memory:', secretKey: TEST_SECRET_KEY });
  try {
    assert.equal(store.hashClientKey('sk-test'), sqlite.hashClientKey('sk-test'));
    assert.notEqual(store.hashClientKey('sk-test'), store.hashClientKey('sk-other'));
  } finally {
    await sqlite.close();
  }
});

test("relaypool's connections commit without waiting for the WAL flush, unless the URL says otherwise", async () => {
  const url = await freshPostgresUrl();
  const show = sql('SHOW synchronous_commit');
  for (const [target, expected] of [
    [url, 'off'],
    [`${url}?options=-c%20synchronous_commit%3Don`, 'on'],
  ] as const) {
    const db = createPgDb(target, 1);
    try {
      assert.deepEqual(await db.get(show), { synchronous_commit: expected }, target);
    } finally {
      await db.close();
    }
  }
});
