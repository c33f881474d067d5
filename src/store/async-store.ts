/**
 * The store behind one asynchronous interface, whichever database holds it: SQLite (the embedded
 * default, one process) or PostgreSQL (a pool shared by many processes). Every repository method
 * that touches the database returns a Promise; SQLite's synchronous repositories are adapted
 * as they are, so both backends keep one set of semantics.
 */
import type { AccountsRepo } from './accounts-repo.js';
import type { ConversationsRepo } from './conversations-repo.js';
import type { ModelsRepo } from './models-repo.js';
import type { Store } from './open-store.js';
import type { SqliteBatch } from './sqlite-batch.js';
import type { ResponsesRepo } from './responses-repo.js';
import type { SlotLeasesRepo } from './slot-leases-repo.js';
import type { TasksRepo } from './tasks-repo.js';
import type { UsageRepo } from './usage-repo.js';

/** `T` with every method returning a Promise of what it returned. */
export type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/** The accounts repository; the cookie fingerprint is pure computation and stays synchronous. */
export type AsyncAccountsRepo = Omit<Async<AccountsRepo>, 'cookieFingerprint'> &
  Pick<AccountsRepo, 'cookieFingerprint'>;

/** Called when a slot of `accountId` freed in some process (null: some slot may have freed). */
export type SlotFreedListener = (accountId: number | null) => void;

/** Which database holds the store. */
export type StoreBackend = 'sqlite' | 'postgres';

/** An open store of either backend. */
export interface AsyncStore {
  readonly backend: StoreBackend;
  readonly accounts: AsyncAccountsRepo;
  readonly models: Async<ModelsRepo>;
  readonly tasks: Async<TasksRepo>;
  readonly conversations: Async<ConversationsRepo>;
  readonly usage: Async<UsageRepo>;
  readonly responses: Async<ResponsesRepo>;
  readonly slots: Async<SlotLeasesRepo>;
  /** Random per process; see `Store.instanceId`. */
  readonly instanceId: string;
  /** See `Store.hashClientKey`. */
  hashClientKey(apiKey: string): string;
  /** Moves whenever accounts or their models change (by any process, or the CLI). */
  dataVersion(): Promise<number>;
  /**
   * Wake `listener` when a slot frees in another process: PostgreSQL LISTEN/NOTIFY (with the
   * account), SQLite a poll of the data version (no account). Resolves to the unsubscribe function.
   */
  onSlotFreed(listener: SlotFreedListener): Promise<() => Promise<void>>;
  /**
   * Call `listener` after a change to accounts or their models was committed elsewhere, for the
   * changes `dataVersion` cannot be trusted to show (PostgreSQL: its version moves before the
   * commit). SQLite's data version moves at the commit itself: nothing to listen for there.
   */
  onDataChanged(listener: () => void): Promise<() => Promise<void>>;
  /** Close the database. Idempotent. */
  close(): Promise<void>;
}

/** How often a SQLite store looks for commits by other processes. */
const SQLITE_POLL_MS = 200;

/**
 * Writes committed with the next batch (`SqliteBatch`): a task's later states and the usage row,
 * which only need to be done soon. Slot changes (a freed slot may go to a waiter at once) and a
 * new task's row (before its create call) are committed at once.
 */
const DEFERRED = {
  tasks: ['setUpstreamId', 'setState', 'markStopped'],
  usage: ['record', 'update'],
} as const;

/** The SQLite store behind the asynchronous interface. */
export function asyncSqliteStore(store: Store): AsyncStore {
  const { batch } = store;
  return {
    backend: 'sqlite',
    accounts: {
      ...promisify(store.accounts, batch),
      cookieFingerprint: (cookie) => store.accounts.cookieFingerprint(cookie),
    },
    models: promisify(store.models, batch),
    tasks: promisify(store.tasks, batch, DEFERRED.tasks),
    conversations: promisify(store.conversations, batch),
    usage: promisify(store.usage, batch, DEFERRED.usage),
    responses: promisify(store.responses, batch),
    slots: promisify(store.slots, batch),
    instanceId: store.instanceId,
    hashClientKey: (apiKey) => store.hashClientKey(apiKey),
    dataVersion: () => call(batch, () => store.dataVersion()),
    onSlotFreed(listener) {
      let seen = store.dataVersion();
      const timer = setInterval(() => {
        const version = store.dataVersion();
        if (version === seen) return;
        seen = version;
        listener(null);
      }, SQLITE_POLL_MS);
      timer.unref();
      return Promise.resolve(() => Promise.resolve(clearInterval(timer)));
    },
    onDataChanged: () => Promise.resolve(() => Promise.resolve()),
    close: () => {
      try {
        batch.now(() => undefined); // what waits is written first
      } catch {
        // Each waiting write's own promise carries its failure.
      }
      return call(batch, () => store.close());
    },
  };
}

/** Run `step` now (after what waits in the batch), as a Promise. */
function call<T>(batch: SqliteBatch, step: () => T): Promise<T> {
  try {
    return Promise.resolve(batch.now(step));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * Wrap every method of a repository (a plain object of functions) so it returns a Promise; the
 * `deferred` ones run with the next batch, the others at once.
 */
function promisify<T extends object>(
  repo: T,
  batch: SqliteBatch,
  deferred: ReadonlyArray<keyof T & string> = [],
): Async<T> {
  const wrapped: Record<string, unknown> = {};
  const entries: Array<[string, unknown]> = Object.entries(repo);
  for (const [key, value] of entries) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const run = (args: unknown[]) => (): unknown => Reflect.apply(value, repo, args);
    wrapped[key] = deferred.some((name) => name === key)
      ? (...args: unknown[]): Promise<unknown> => batch.defer(run(args))
      : (...args: unknown[]): Promise<unknown> => call(batch, run(args));
  }
  // Built key by key from `repo` above: each function now returns a Promise of its result.
  return wrapped as Async<T>;
}
