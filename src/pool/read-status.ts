import type { Store } from '../store/index.js';
import { buildPoolReport, type PoolReport } from './pool-report.js';

/**
 * Pool status as the database knows it: account states, plus in-flight slots counted from the
 * tasks relaypool recorded as running (so the CLI sees what a running server is doing). The wait
 * queue lives in the server's memory, so `queued` is null here.
 */
export function readPoolStatus(store: Store, defaultMaxConcurrency: number, now: number): PoolReport {
  return buildPoolReport(
    store,
    store.tasks.countBusyByAccount(),
    null,
    defaultMaxConcurrency,
    now,
    store.tasks.countIdleByAccount(),
  );
}
