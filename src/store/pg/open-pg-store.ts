/**
 * The store on PostgreSQL: a small connection pool, the schema migrated to this code's version,
 * and the repositories. Many relaypool processes (and the CLI) may open the same database; they
 * must all be given the same secret key, since they decrypt each other's stored credentials.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../../util/errors.js';
import type { AsyncStore } from '../async-store.js';
import { createClientKeyHasher } from '../client-key-hash.js';
import { describePostgresUrl } from '../db-target.js';
import { SecretKeyError } from '../errors.js';
import { createSecretBox } from '../secret-box.js';
import { keyFromSecret } from '../secret-key.js';
import { sqlInt } from '../sql-types.js';
import { createPgAccountsRepo } from './pg-accounts-repo.js';
import { createPgConversationsRepo, createPgResponsesRepo } from './pg-conversations-repo.js';
import { createPgDb, sql } from './pg-db.js';
import { migratePg } from './pg-migrate.js';
import { createPgModelsRepo } from './pg-models-repo.js';
import { pgMigrations } from './pg-schema.js';
import { createPgTasksRepo } from './pg-tasks-repo.js';
import { createPgSlotLeasesRepo } from './pg-slot-leases-repo.js';
import { listenForDataChanges, listenForFreedSlots } from './pg-notifications.js';
import { createPgUsageRepo } from './pg-usage-repo.js';

/** How to open a PostgreSQL store. */
export interface PgStoreOptions {
  /** `postgres://user:password@host:port/database?...` */
  url: string;
  /** Required: the master key every process shares (see `../secret-key.ts` for the accepted forms). */
  secretKey?: string | undefined;
  /** Connections in the pool; default 4. */
  poolSize?: number | undefined;
  now?: (() => number) | undefined;
  instanceId?: string | undefined;
}

const dataVersion = sql('SELECT last_value FROM relaypool_data_version');

/** Connect, migrate and build the repositories. Throws UserError naming host:port (never the password). */
export async function openPgStore(options: PgStoreOptions): Promise<AsyncStore> {
  const secret = options.secretKey?.trim() ?? '';
  if (secret === '') {
    throw new SecretKeyError(
      'RELAYPOOL_SECRET_KEY is required with a PostgreSQL store: every relaypool process must decrypt the same stored credentials',
    );
  }
  const masterKey = keyFromSecret(secret);
  const where = describePostgresUrl(options.url);
  const now = options.now ?? Date.now;
  const instanceId = options.instanceId ?? randomUUID();
  const db = createPgDb(options.url, options.poolSize);
  try {
    await migratePg(db, pgMigrations, `postgres://${where}`);
  } catch (err) {
    await db.close().catch(() => {});
    throw err instanceof UserError
      ? err
      : new UserError(`cannot open the PostgreSQL store at ${where}: ${reason(err)}`);
  }
  const box = createSecretBox(masterKey);
  let closed: Promise<void> | null = null;
  return {
    backend: 'postgres',
    accounts: createPgAccountsRepo({ db, box, now, keySource: 'RELAYPOOL_SECRET_KEY' }),
    models: createPgModelsRepo(db, now),
    tasks: createPgTasksRepo(db, instanceId, now),
    conversations: createPgConversationsRepo(db, now),
    usage: createPgUsageRepo(db, now),
    responses: createPgResponsesRepo(db, now),
    slots: createPgSlotLeasesRepo(db, instanceId, now),
    instanceId,
    hashClientKey: createClientKeyHasher(masterKey),
    dataVersion: async () => z.object({ last_value: sqlInt }).parse(await db.get(dataVersion)).last_value,
    onSlotFreed: (listener) => listenForFreedSlots(options.url, listener),
    onDataChanged: (listener) => listenForDataChanges(options.url, listener),
    close: () => (closed ??= db.close()),
  };
}

/**
 * Why connecting failed, without secrets: a socket error's code (ECONNREFUSED, ENOTFOUND,
 * ETIMEDOUT), or the server's own message (which names the user, never the password).
 */
function reason(err: unknown): string {
  if (err instanceof AggregateError) return reason(err.errors[0]);
  if (!(err instanceof Error)) return 'unknown error';
  const code = 'code' in err && typeof err.code === 'string' ? err.code : null;
  if (code !== null && !/^[0-9A-Z]{5}$/.test(code)) return code;
  return err.message.replace(/postgres(?:ql)?:\/\/\S*/gi, 'postgres://…');
}
