import type { Store } from '../store/index.js';
import { summarizePool, type PoolStatus } from './status.js';

/**
 * Pool status as the database knows it: account states, plus in-flight slots counted from the
 * tasks relaypool recorded as running (so the CLI sees what a running server is doing).
 */
export function readPoolStatus(store: Store, defaultMaxConcurrency: number, now: number): PoolStatus {
  return summarizePool(store.accounts.list(), store.tasks.countBusyByAccount(), defaultMaxConcurrency, now);
}
