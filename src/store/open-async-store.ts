/** Open the store a `RELAYPOOL_DB` / `--db` / `store` value names: PostgreSQL for a URL, else SQLite. */
import { asyncSqliteStore, type AsyncStore } from './async-store.js';
import { isPostgresUrl } from './db-target.js';
import { openStore } from './open-store.js';

/** How to open either backend. */
export interface AsyncStoreOptions {
  /** A SQLite file (or `:memory:`), or a `postgres://` / `postgresql://` URL. */
  db: string;
  /** Master key; required with PostgreSQL (with SQLite, a key file is used when absent). */
  secretKey?: string | undefined;
  /** SQLite only: key file used when `secretKey` is absent. */
  keyFile?: string | undefined;
  /** PostgreSQL only: connections in the pool. */
  poolSize?: number | undefined;
  now?: (() => number) | undefined;
  instanceId?: string | undefined;
}

/** Open, migrate and build the repositories of the database `options.db` names. */
export async function openAsyncStore(options: AsyncStoreOptions): Promise<AsyncStore> {
  const { db, ...rest } = options;
  if (isPostgresUrl(db)) {
    // Loaded only for a PostgreSQL URL: the driver stays off a SQLite sidecar's start and memory.
    const { openPgStore } = await import('./pg/open-pg-store.js');
    return openPgStore({ ...rest, url: db });
  }
  return asyncSqliteStore(openStore({ ...rest, file: db }));
}
