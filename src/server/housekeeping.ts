import type { AsyncStore } from '../store/index.js';
import type { CancelTimer, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';

/** Finished task rows are kept this long (for operators reading the database), then deleted. */
const FINISHED_TASK_RETENTION_MS = 24 * 3_600_000;
/** A binding whose task is gone can only lead to a replay; it goes after this long unused. */
const UNBOUND_CONVERSATION_RETENTION_MS = 3_600_000;
const INTERVAL_MS = 10 * 60_000;

/**
 * Keep the database from growing without bound: delete finished task rows and conversation
 * bindings whose task is gone, now and every ten minutes. Returns a function that stops it.
 */
export function startHousekeeping(
  store: AsyncStore,
  timers: Timers,
  now: () => number,
  logger: Logger,
): () => void {
  let cancel: CancelTimer | null = null;
  let stopped = false;
  const run = async (): Promise<void> => {
    try {
      const at = now();
      // Bindings first: pruning a task row sets its bindings' task to NULL, which the next run removes.
      const bindings = await store.conversations.pruneUnbound(at - UNBOUND_CONVERSATION_RETENTION_MS);
      const tasks = await store.tasks.pruneFinished(at - FINISHED_TASK_RETENTION_MS);
      if (bindings + tasks > 0) logger.debug({ bindings, tasks }, 'housekeeping: pruned old rows');
    } catch (err) {
      logger.warn({ err }, 'housekeeping failed; trying again later');
    }
    if (!stopped) cancel = timers.setTimeout(() => void run(), INTERVAL_MS);
  };
  void run();
  return () => {
    stopped = true;
    cancel?.();
  };
}
