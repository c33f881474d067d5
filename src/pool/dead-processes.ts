/**
 * Taking over what dead processes left (docs/architecture.md §3 step 5; issue #12): the pool owns
 * idle and kept tasks, so it also takes over those of a process whose heartbeat stopped.
 */
import type { AsyncStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { AccountPool } from './account-pool.js';
import type { ParkRequest } from './idle-slots.js';
import type { TaskReaper } from './task-reaper.js';

/** What adopting needs. */
export interface AdoptDeps {
  store: AsyncStore;
  pool: { adoptIdle(accountId: number, request: ParkRequest): void };
  reaper: TaskReaper;
  /** `conversations.idleTtlMs`; 0 adopts nothing (those tasks are stopped as orphans). */
  idleTtlMs: number;
  logger: Logger;
}

/**
 * After a restart or a crash, the tasks an earlier process kept idle for a conversation whose
 * binding is in the database become this process's idle tasks, so those conversations go on without a
 * replay; every other task it left is stopped as an orphan. A kept task that died meanwhile is
 * found out at its next turn, which then replays the conversation. Returns how many were adopted.
 */
export async function adoptKeptTasks(deps: AdoptDeps): Promise<number> {
  if (deps.idleTtlMs === 0) return 0;
  const kept = await deps.store.tasks.adoptKept();
  for (const { task, model } of kept) {
    const stop = async (): Promise<void> => {
      const latest = await deps.store.tasks.get(task.id);
      if (latest !== null) await deps.reaper.stopAndWait(latest);
    };
    deps.pool.adoptIdle(task.accountId, {
      taskRowId: task.id,
      model,
      stop,
      ttlMs: deps.idleTtlMs,
      warm: false,
    });
  }
  if (kept.length > 0)
    deps.logger.info({ count: kept.length }, 'kept conversation tasks taken over from an earlier process');
  return kept.length;
}

/** What taking over after dead processes needs. */
export interface DeadProcessDeps {
  store: AsyncStore;
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
 * their slot leases. The claims are atomic: two survivors never take the same task. Resolves once
 * the claims are made, to `stopped`, which resolves when the claimed tasks are stopped.
 */
export async function takeOverDeadProcesses(deps: DeadProcessDeps): Promise<{ stopped: Promise<void> }> {
  const { store, pool, reaper, idleTtlMs, logger } = deps;
  await adoptKeptTasks({ store, pool, reaper, idleTtlMs, logger });
  const orphans = await reaper.claimOrphans();
  await Promise.all(orphans.map((orphan) => pool.hold(orphan.accountId, orphan.stopped)));
  const dead = await store.slots.expireDead();
  if (dead.length > 0) logger.warn({ processes: dead }, 'relaypool processes stopped beating; took over');
  return { stopped: Promise.all(orphans.map((orphan) => orphan.stopped)).then(() => undefined) };
}
