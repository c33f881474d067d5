import { adoptKeptTasks } from '../conversations/adopt-kept.js';
import type { AccountPool } from '../pool/account-pool.js';
import type { TaskReaper } from '../pool/task-reaper.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';

/** What taking over after dead processes needs. */
export interface DeadProcessDeps {
  store: Store;
  pool: AccountPool;
  reaper: TaskReaper;
  idleTtlMs: number;
  logger: Logger;
}

/**
 * Take over what processes whose heartbeat ran out left behind (issue #12; at start-up this also
 * covers an earlier run of this process): tasks kept idle for a conversation become ours, the
 * others are stopped — and until each stop is done its account's slot stays taken, so no request
 * runs into the platform's concurrency limit. Only then are the dead processes expired, which frees
 * their slot leases. The claims are atomic: two survivors never take the same task. Resolves when
 * the claimed tasks are stopped.
 */
export function takeOverDeadProcesses(deps: DeadProcessDeps): Promise<void> {
  const { store, pool, reaper, idleTtlMs, logger } = deps;
  adoptKeptTasks({ store, pool, reaper, idleTtlMs, logger });
  const orphans = reaper.claimOrphans();
  for (const orphan of orphans) pool.hold(orphan.accountId, orphan.stopped);
  const dead = store.slots.expireDead();
  if (dead.length > 0) logger.warn({ processes: dead }, 'relaypool processes stopped beating; took over');
  return Promise.all(orphans.map((orphan) => orphan.stopped)).then(() => undefined);
}
