import type { ParkRequest } from '../pool/idle-slots.js';
import type { TaskReaper } from '../pool/task-reaper.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';

/** What adopting needs. */
export interface AdoptDeps {
  store: Store;
  pool: { adoptIdle(accountId: number, request: ParkRequest): void };
  reaper: TaskReaper;
  /** `conversations.idleTtlMs`; 0 adopts nothing (those tasks are stopped as orphans). */
  idleTtlMs: number;
  logger: Logger;
}

/**
 * After a restart or a crash, the tasks an earlier process kept idle for a conversation whose
 * binding is in SQLite become this process's idle tasks, so those conversations go on without a
 * replay; every other task it left is stopped as an orphan. A kept task that died meanwhile is
 * found out at its next turn, which then replays the conversation. Returns how many were adopted.
 */
export function adoptKeptTasks(deps: AdoptDeps): number {
  if (deps.idleTtlMs === 0) return 0;
  const kept = deps.store.tasks.adoptKept();
  for (const { task, model } of kept) {
    const stop = (): Promise<void> => {
      const latest = deps.store.tasks.get(task.id);
      return latest === null ? Promise.resolve() : deps.reaper.stopAndWait(latest);
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
