import type { Account } from '../store/index.js';
import type { AnyUpstreamFailure } from '../upstream/errors.js';
import type { ParkRequest } from './idle-slots.js';

/**
 * How a leased request went; drives the account's health. `abandoned`: the client went away or
 * the request ended without a verdict, which says nothing about the account.
 */
export type LeaseOutcome =
  | { result: 'success' }
  | { result: 'failure'; failure: AnyUpstreamFailure; afterOutput: boolean }
  | { result: 'abandoned' };

/** One slot on one upstream account, held for the duration of a request. */
export interface Lease {
  readonly account: Account;
  /** The account's session secret (the `monkeycode_ai_session` value). Never log it. */
  readonly session: string;
  /** The upstream id of the requested model on this account (task `model_id`). */
  readonly modelId: string;
  /** Tie a recorded task (row id) to this lease, so it is never stopped as a stray while the lease lives. */
  attachTask(taskRowId: number): void;
  /**
   * Give the slot back exactly once. The outcome is recorded at once; the slot is handed on when
   * `drained` settles (e.g. once the upstream task is stopped, since it holds the platform's slot).
   * A function is called after the outcome is recorded (so it sees, e.g., the re-login it started).
   */
  release(outcome: LeaseOutcome, drained?: Promise<unknown> | (() => Promise<unknown>)): void;
  /**
   * Give the slot back by keeping the task idle instead (exactly once, instead of `release`): the
   * outcome is recorded, the task keeps holding its slot until a request claims it, another request
   * needs the slot (the least recently used idle task is stopped), or its idle time runs out.
   */
  park(outcome: LeaseOutcome, task: ParkRequest): void;
}

/** Options of one `acquire`. */
export interface AcquireOptions {
  /** Accounts this request already tried (failover never goes back to them). */
  exclude?: ReadonlySet<number>;
  /** Fail at once with 429 instead of queueing when no slot is free now (background work). */
  noWait?: boolean;
}

/** What the request path asks of the pool. */
export interface AccountSelector {
  /**
   * A lease on an account with a free slot that can serve `upstreamModel`, waiting in a fair FIFO
   * queue when all are busy. Throws 429 `NoCapacityError` (with the soonest recovery) when every
   * eligible account is out or the wait times out, 503 when no enabled account serves the model,
   * and the signal's reason when the client goes away.
   */
  acquire(upstreamModel: string, signal: AbortSignal, options?: AcquireOptions): Promise<Lease>;
  /** Slots in use per account id. */
  inFlight(): ReadonlyMap<number, number>;
  /** Resolves once the re-login of this account that is running now has ended (at once when none). */
  whenRecovered(accountId: number): Promise<void>;
  /**
   * A lease on the idle task `taskRowId` (its slot becomes a serving slot), or null when the task
   * is no longer idle (claimed, evicted, timed out) or its account cannot serve now.
   */
  claimIdle(taskRowId: number): Promise<Lease | null>;
  /**
   * A lease on the idle task `taskRowId` that another process keeps for a conversation: that
   * process is asked to hand it over (slot lease included) and this waits a moment for it. Null when
   * it is not another live process's idle task, or it was not handed over in time.
   */
  requestHandoff(taskRowId: number, upstreamModel: string, signal: AbortSignal): Promise<Lease | null>;
  /** A lease on the oldest warm (pre-booted, unowned) idle task running `upstreamModel`, or null. */
  claimWarm(upstreamModel: string): Promise<{ lease: Lease; taskRowId: number } | null>;
}
