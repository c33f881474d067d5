import type { CancelTimer, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';

/**
 * Poll `check` every `intervalMs()` (e.g. `AccountPool.checkForChanges`, which compares
 * `store.dataVersion()`), so accounts added, disabled or removed by the CLI or another process
 * take effect — and waiting requests are served — without a restart. Returns `stop`.
 */
export function watchStore(
  check: () => void,
  timers: Timers,
  intervalMs: () => number,
  logger: Logger,
): () => void {
  let cancel: CancelTimer | null = null;
  let stopped = false;
  const tick = (): void => {
    try {
      check();
    } catch (err) {
      logger.warn({ err }, 'could not look for account changes');
    }
    if (!stopped) cancel = timers.setTimeout(tick, intervalMs());
  };
  cancel = timers.setTimeout(tick, intervalMs());
  return () => {
    stopped = true;
    cancel?.();
  };
}
