/**
 * One repository suite, two drivers: `backendTest` registers a test once per backend, each run on
 * a store opened on a fresh database of that kind (a temp SQLite file, or a new database on the
 * test process's PostgreSQL server) and closed when the test ends.
 */
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openAsyncStore, type AsyncStoreOptions } from '../../src/store/open-async-store.js';
import type { AsyncStore, StoreBackend } from '../../src/store/async-store.js';
import { freshPostgresUrl } from '../support/postgres-server.js';
import { tempDir } from './temp-store.js';

/** Every backend the store supports. */
export const BACKENDS: readonly StoreBackend[] = ['sqlite', 'postgres'];

/** A fixed raw key (hex), so PostgreSQL stores open without a key file. */
export const TEST_SECRET_KEY = '11'.repeat(32);

/** Options for `open`: everything but where the database is. */
export type OpenOptions = Omit<AsyncStoreOptions, 'db'>;

/** What a backend test gets. */
export interface BackendContext {
  backend: StoreBackend;
  /** Where `open` opens (the same database every call). */
  db: string;
  /** Open (another connection to) this test's database; closed after the test. */
  open: (options?: OpenOptions) => Promise<AsyncStore>;
}

/** A fresh database location of `backend`. */
export async function freshDatabase(t: TestContext, backend: StoreBackend): Promise<string> {
  return backend === 'sqlite' ? join(tempDir(t), 'relaypool.db') : freshPostgresUrl();
}

/** Register `name` for every backend. */
export function backendTest(
  name: string,
  body: (t: TestContext, ctx: BackendContext) => Promise<void>,
): void {
  for (const backend of BACKENDS) {
    test(`${name} [${backend}]`, async (t) => {
      const db = await freshDatabase(t, backend);
      const open = async (options: OpenOptions = {}) => {
        const store = await openAsyncStore({ secretKey: TEST_SECRET_KEY, ...options, db });
        t.after(() => store.close());
        return store;
      };
      await body(t, { backend, db, open });
    });
  }
}
