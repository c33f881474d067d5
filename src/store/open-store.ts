/** The store: one SQLite connection, its repositories, and this process's instance id. */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { UserError } from '../util/errors.js';
import { createAccountsRepo, type AccountsRepo } from './accounts-repo.js';
import { createClientKeyHasher } from './client-key-hash.js';
import { createConversationsRepo, type ConversationsRepo } from './conversations-repo.js';
import { describePostgresUrl, isPostgresUrl } from './db-target.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createModelsRepo, type ModelsRepo } from './models-repo.js';
import { openDatabase } from './open-database.js';
import { createSecretBox } from './secret-box.js';
import { createSlotLeasesRepo, type SlotLeasesRepo } from './slot-leases-repo.js';
import { SqliteBatch } from './sqlite-batch.js';
import { sqlInt } from './sql-types.js';
import { createResponsesRepo, type ResponsesRepo } from './responses-repo.js';
import { resolveMasterKey, type MasterKey } from './secret-key.js';
import { createTasksRepo, type TasksRepo } from './tasks-repo.js';
import { createUsageRepo, type UsageRepo } from './usage-repo.js';

/** How to open the store. Configuration is passed in; the store never reads the environment. */
export interface StoreOptions {
  /** SQLite file path, or `:memory:`. Its directory is created when missing. */
  file: string;
  /** Master key: 64 hex chars or base64 of 32 bytes used as-is; any other text is a passphrase (scrypt). */
  secretKey?: string | undefined;
  /** Key file used when `secretKey` is absent; default `<dir of file>/secret.key`, created 0600. */
  keyFile?: string | undefined;
  /** Millisecond clock; default `Date.now`. */
  now?: (() => number) | undefined;
  /** Id of this process in `tasks.owner_instance_id`; default a random UUID. */
  instanceId?: string | undefined;
}

/** An open store. */
export interface Store {
  readonly accounts: AccountsRepo;
  readonly models: ModelsRepo;
  readonly tasks: TasksRepo;
  readonly conversations: ConversationsRepo;
  readonly usage: UsageRepo;
  readonly responses: ResponsesRepo;
  /** Process heartbeats and the slot leases every process on the database shares. */
  readonly slots: SlotLeasesRepo;
  /** Random per process; tasks owned by another id belong to a process that is gone. */
  readonly instanceId: string;
  /**
   * A keyed hash (HMAC-SHA-256 under a key derived from the master key) of a client API key: the
   * scope of that client's conversations and usage. The key itself is never stored.
   */
  hashClientKey(apiKey: string): string;
  /** `PRAGMA data_version`: changes whenever another connection (e.g. the CLI) commits. */
  dataVersion(): number;
  /** Group commit on this connection (used by the asynchronous store). */
  readonly batch: SqliteBatch;
  /** Checkpoint the WAL and close. Idempotent. */
  close(): void;
}

/** Open and migrate the database, resolve the master key, and build the repositories. */
export function openStore(options: StoreOptions): Store {
  if (isPostgresUrl(options.file)) {
    // serve and the CLI open stores with openAsyncStore, which takes both; this one is SQLite only.
    throw new UserError(
      `--db ${describePostgresUrl(options.file)} is PostgreSQL: open it with openAsyncStore (this store is SQLite only)`,
    );
  }
  const now = options.now ?? Date.now;
  const instanceId = options.instanceId ?? randomUUID();
  const db = openDatabase(options.file);
  let masterKey: MasterKey;
  try {
    migrate(db, migrations);
    masterKey = resolveMasterKey({ ...options, mayCreateKeyFile: () => !holdsCiphertext(db) });
  } catch (err) {
    db.close();
    throw err;
  }
  const box = createSecretBox(masterKey.key);
  // Prepared once: `db.pragma()` compiles its statement on every call, and the pool asks for the
  // data version on every lease and release (AccountPool.checkForChanges).
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let closed = false;
  return {
    accounts: createAccountsRepo({ db, box, now, keySource: masterKey.source }),
    models: createModelsRepo(db, now),
    tasks: createTasksRepo(db, instanceId, now),
    conversations: createConversationsRepo(db, now),
    usage: createUsageRepo(db, now),
    responses: createResponsesRepo(db, now),
    slots: createSlotLeasesRepo(db, instanceId, now),
    instanceId,
    hashClientKey: createClientKeyHasher(masterKey.key),
    dataVersion: () => sqlInt.parse(dataVersion.get()),
    batch: new SqliteBatch(db),
    close() {
      if (closed) return;
      closed = true;
      try {
        db.pragma('optimize');
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}

/** True when some account has a sealed secret (so a freshly generated key would be wrong). */
function holdsCiphertext(db: Database): boolean {
  const row = db
    .prepare('SELECT 1 FROM accounts WHERE password_enc IS NOT NULL OR cookie_enc IS NOT NULL LIMIT 1')
    .get();
  return row !== undefined;
}
