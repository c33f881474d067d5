/** What the pool is built from and reports to: its dependencies, settings, waiters and observer. */
import type { AsyncStore } from '../store/index.js';
import type { Clock, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';
import type { Lease } from './lease.js';
import type { PoolHealthDeps } from './pool-health.js';
import type { HealthTimings } from './account-health.js';
import type { Strategy } from './selection.js';

/** What the pool is built from; clock and timers are injected so tests drive time. */
export interface AccountPoolDeps {
  store: AsyncStore;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  options: PoolOptions;
  relogin: PoolHealthDeps['relogin'];
}

/** A request waiting in the pool's FIFO queue. */
export interface Waiter {
  readonly model: string;
  readonly exclude: ReadonlySet<number>;
  /** Fail instead of waiting when no slot is free now. */
  readonly noWait: boolean;
  /** An idle task is being stopped to free a slot for this waiter. */
  evicting: boolean;
  /** A slot was picked for this waiter and its shared lease is being taken (it waits for no other). */
  granting: boolean;
  readonly since: number;
  resolve(lease: Lease): void;
  reject(err: unknown): void;
  cleanup(): void;
}

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

/**
 * What the pool reports as it works, for metrics. Every method is optional and called off the
 * per-chunk path: once per task, per failure, per lease wait — never per streamed event.
 */
export interface PoolObserver {
  /** An upstream task was created for a request. */
  taskStarted?(): void;
  /** relaypool stopped one of its tasks upstream (`recovered`: left by an earlier, crashed process). */
  taskStopped?(recovered: boolean): void;
  /** Tasks left running by an earlier process were found and are being stopped. */
  tasksRecovered?(count: number): void;
  /** A turn ended in (or withheld for failover) an upstream failure of this kind and code. */
  upstreamError?(kind: string, code: number | null): void;
  /** A turn's task stream was lost and reattached (docs/monkeycode-protocol.md §5.7); the client saw no gap. */
  streamResumed?(): void;
  /** How long a request waited for a lease (ms), and whether it got one. */
  queueWait?(ms: number, granted: boolean): void;
  /**
   * A turn meant for a kept task ran on it (`continued`: a conversation's task; `warm`: a warm task)
   * or, when that task could not take it, was replayed into a new task (`replayed`).
   */
  keptTaskTurn?(how: 'continued' | 'warm' | 'replayed'): void;
}
