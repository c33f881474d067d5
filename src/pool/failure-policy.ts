import type { UpstreamErrorKind } from '../upstream/errors.js';

/**
 * What a failure does to the account that saw it:
 * - `none`: nothing (request-scoped, or says nothing about the account);
 * - `backoff`: cool it on the backoff ladder (the platform said it has no capacity for it);
 * - `transient`: the same ladder from the second failure in a row (HTTP 5xx, network: one such
 *   failure is noise, two in a row are a pattern);
 * - `concurrency`: cool it briefly and stop strays (the platform says a task is still active);
 * - `credits`: cool it for long (out of credits);
 * - `model`: rest only this model on this account (plan does not allow it);
 * - `invalid`: take it out for good (bad credentials, banned);
 * - `expired`: session dead; a password account logs in again.
 */
export type HealthAction =
  'none' | 'backoff' | 'transient' | 'concurrency' | 'credits' | 'model' | 'invalid' | 'expired';

/** The pool's reading of one failure kind. */
export interface FailurePolicy {
  action: HealthAction;
  /** Before the first output byte, may the request be retried on another account? */
  failover: boolean;
}

const POLICY: Readonly<Record<UpstreamErrorKind, FailurePolicy>> = {
  'session-expired': { action: 'expired', failover: true },
  'bad-credentials': { action: 'invalid', failover: true },
  banned: { action: 'invalid', failover: true },
  forbidden: { action: 'transient', failover: true },
  captcha: { action: 'none', failover: false },
  concurrency: { action: 'concurrency', failover: true },
  'no-capacity': { action: 'backoff', failover: true },
  'host-limit': { action: 'backoff', failover: true },
  'rate-limited': { action: 'backoff', failover: true },
  'model-denied': { action: 'model', failover: true },
  credits: { action: 'credits', failover: true },
  'not-found': { action: 'none', failover: false },
  'bad-request': { action: 'none', failover: false },
  'input-too-large': { action: 'none', failover: false },
  // A VM that failed to boot or a task-error: the platform's hiccup, not the account's fault.
  'task-failed': { action: 'none', failover: true },
  unavailable: { action: 'transient', failover: true },
  network: { action: 'transient', failover: true },
  protocol: { action: 'transient', failover: true },
  // A turn that timed out has already cost its full timeout; retrying would double it.
  timeout: { action: 'none', failover: false },
  unknown: { action: 'none', failover: false },
};

/** The pool's policy for a failure kind. */
export function policyFor(kind: UpstreamErrorKind): FailurePolicy {
  return POLICY[kind];
}
