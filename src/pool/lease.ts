import type { Account } from '../store/index.js';
import type { AnyUpstreamFailure } from '../upstream/errors.js';

/** How a leased request went; drives the account's health. */
export type LeaseOutcome = { ok: true } | { ok: false; failure: AnyUpstreamFailure };

/** One slot on one upstream account, held for the duration of a request. */
export interface Lease {
  readonly account: Account;
  /** The account's session secret (the `monkeycode_ai_session` value). Never log it. */
  readonly session: string;
  /** Give the slot back exactly once. */
  release(outcome: LeaseOutcome): void;
}

/** What the request path asks of the pool. */
export interface AccountSelector {
  /** A lease on an account that can serve `upstreamModel`, or a typed error (429/503). */
  acquire(upstreamModel: string, signal: AbortSignal): Promise<Lease>;
  /** Slots in use per account id. */
  inFlight(): ReadonlyMap<number, number>;
}
