import type { HealthTimings } from './account-health.js';
import type { Strategy } from './strategies.js';

/** Pool settings (config `pool.*`). */
export interface PoolOptions {
  strategy: Strategy;
  maxConcurrentPerAccount: number;
  queueTimeoutMs: number;
  /** `Retry-After` hint when no out account has a known recovery time (expired, invalid). */
  retryHintMs: number;
  timings: HealthTimings;
  /**
   * Processes sharing the database are presumed dead this long after their last heartbeat; a
   * survivor then stops their tasks and frees their slots. Default 10 s.
   */
  processTtlMs?: number;
}
