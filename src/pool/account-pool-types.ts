import type { Store } from '../store/index.js';
import type { Clock, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';
import type { Lease } from './lease.js';
import type { PoolHealthDeps } from './pool-health.js';
import type { PoolOptions } from './pool-options.js';

/** What the pool is built from; clock and timers are injected so tests drive time. */
export interface AccountPoolDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  options: PoolOptions;
  relogin: PoolHealthDeps['relogin'];
  stopStrays: PoolHealthDeps['stopStrays'];
}

/** A request waiting in the pool's FIFO queue. */
export interface Waiter {
  readonly model: string;
  readonly exclude: ReadonlySet<number>;
  /** Fail instead of waiting when no slot is free now. */
  readonly noWait: boolean;
  /** An idle task is being stopped to free a slot for this waiter. */
  evicting: boolean;
  readonly since: number;
  resolve(lease: Lease): void;
  reject(err: unknown): void;
  cleanup(): void;
}
