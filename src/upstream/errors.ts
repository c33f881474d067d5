import { UpstreamError, UpstreamTimeoutError } from '../util/errors.js';

/**
 * Machine-readable reason an upstream call failed. Platform-neutral: every adapter maps its own
 * codes onto these; `FAILURE_KINDS` says what each one means for the client, the account and the
 * request.
 */
export const UPSTREAM_ERROR_KINDS = [
  'session-expired',
  'bad-credentials',
  'banned',
  'forbidden',
  'captcha',
  'concurrency',
  'no-capacity',
  'host-limit',
  'rate-limited',
  'model-denied',
  'credits',
  'not-found',
  'bad-request',
  'input-too-large',
  'task-failed',
  'unavailable',
  'network',
  'timeout',
  'protocol',
  'unknown',
] as const;
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

/**
 * What a failure says about the account that made the call, in broad strokes:
 * - `request`: the request itself cannot be served; leave the account alone.
 * - `account-cooling`: the account is busy/out of quota; cool it with backoff, try another.
 * - `account-invalid`: credentials are wrong or the account is banned.
 * - `session-expired`: re-login (or mark expired), then try again.
 * - `transient`: a passing failure of the platform or the network; retry elsewhere/later.
 */
export type UpstreamErrorScope =
  'request' | 'account-cooling' | 'account-invalid' | 'session-expired' | 'transient';

/**
 * What a failure does to the account's health in the pool:
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

/** Everything the code needs to know about one failure kind. */
export interface FailureKind {
  /** Default `retryable` flag towards the client: may the same request succeed later? */
  readonly retryable: boolean;
  readonly scope: UpstreamErrorScope;
  /** What the pool does to the account's health. */
  readonly action: HealthAction;
  /** Before the first output byte, may the pool retry the request on another account? */
  readonly failover: boolean;
}

/** The one table over the failure kinds (a test fails when a kind has no row). */
export const FAILURE_KINDS: Readonly<Record<UpstreamErrorKind, FailureKind>> = {
  'session-expired': { retryable: true, scope: 'session-expired', action: 'expired', failover: true },
  'bad-credentials': { retryable: false, scope: 'account-invalid', action: 'invalid', failover: true },
  banned: { retryable: false, scope: 'account-invalid', action: 'invalid', failover: true },
  // The platform refused this account, not the request: another account may be allowed, but the
  // same request on the same pool gains nothing from a blind client retry.
  forbidden: { retryable: false, scope: 'transient', action: 'transient', failover: true },
  // Only login flows meet a captcha (per account, operator-driven): a fresh challenge usually
  // passes, and there is no other account to move the login to.
  captcha: { retryable: true, scope: 'transient', action: 'none', failover: false },
  concurrency: { retryable: true, scope: 'account-cooling', action: 'concurrency', failover: true },
  'no-capacity': { retryable: true, scope: 'account-cooling', action: 'backoff', failover: true },
  'host-limit': { retryable: true, scope: 'account-cooling', action: 'backoff', failover: true },
  'rate-limited': { retryable: true, scope: 'account-cooling', action: 'backoff', failover: true },
  // The plan of this account does not allow the model; another account's plan may.
  'model-denied': { retryable: false, scope: 'request', action: 'model', failover: true },
  credits: { retryable: true, scope: 'account-cooling', action: 'credits', failover: true },
  'not-found': { retryable: false, scope: 'request', action: 'none', failover: false },
  'bad-request': { retryable: false, scope: 'request', action: 'none', failover: false },
  'input-too-large': { retryable: false, scope: 'request', action: 'none', failover: false },
  // A VM that failed to boot or a task-error: the platform's hiccup, not the account's fault.
  'task-failed': { retryable: true, scope: 'transient', action: 'none', failover: true },
  unavailable: { retryable: true, scope: 'transient', action: 'transient', failover: true },
  network: { retryable: true, scope: 'transient', action: 'transient', failover: true },
  // A turn that timed out has already cost its full timeout; retrying would double it.
  timeout: { retryable: true, scope: 'transient', action: 'none', failover: false },
  protocol: { retryable: true, scope: 'transient', action: 'transient', failover: true },
  unknown: { retryable: false, scope: 'transient', action: 'none', failover: false },
};

/** Default `retryable` flag of a kind: may the same request succeed later or on another account? */
export function isRetryableKind(kind: UpstreamErrorKind): boolean {
  return FAILURE_KINDS[kind].retryable;
}

/** What a failure of this kind means for the account, in broad strokes. */
export function scopeOf(kind: UpstreamErrorKind): UpstreamErrorScope {
  return FAILURE_KINDS[kind].scope;
}

/** The pool's reading of a failure kind: its health action and whether to fail over. */
export function policyFor(kind: UpstreamErrorKind): { action: HealthAction; failover: boolean } {
  const { action, failover } = FAILURE_KINDS[kind];
  return { action, failover };
}

/** Options shared by both upstream failure classes. */
export interface UpstreamFailureOptions {
  /** The platform's own code (business code or HTTP status) when there is one. */
  upstreamCode?: number | null;
  /** Overrides the kind's default retryable flag. */
  retryable?: boolean;
  cause?: unknown;
}

/** A typed upstream failure (HTTP 502 towards clients). Never carries cookies or passwords. */
export class UpstreamFailure extends UpstreamError {
  readonly kind: Exclude<UpstreamErrorKind, 'timeout'>;
  readonly scope: UpstreamErrorScope;
  readonly upstreamCode: number | null;

  constructor(
    kind: Exclude<UpstreamErrorKind, 'timeout'>,
    message: string,
    options: UpstreamFailureOptions = {},
  ) {
    super(message, {
      code: codeOf(kind),
      retryable: options.retryable ?? isRetryableKind(kind),
      cause: options.cause,
    });
    this.kind = kind;
    this.scope = scopeOf(kind);
    this.upstreamCode = options.upstreamCode ?? null;
  }
}

/** The upstream did not answer in time (HTTP 504 towards clients); always kind `timeout`. */
export class UpstreamTimeoutFailure extends UpstreamTimeoutError {
  readonly kind = 'timeout' as const;
  readonly scope: UpstreamErrorScope = 'transient';
  readonly upstreamCode: number | null = null;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: codeOf('timeout'), cause: options.cause });
  }
}

/** Either upstream failure class; both expose `kind`, `scope`, `retryable`, `upstreamCode`. */
export type AnyUpstreamFailure = UpstreamFailure | UpstreamTimeoutFailure;

/** Build the right class for a kind (`timeout` → 504 class, everything else → 502 class). */
export function upstreamFailure(
  kind: UpstreamErrorKind,
  message: string,
  options: UpstreamFailureOptions = {},
): AnyUpstreamFailure {
  if (kind === 'timeout') return new UpstreamTimeoutFailure(message, { cause: options.cause });
  return new UpstreamFailure(kind, message, options);
}

/** Type guard for both upstream failure classes. */
export function isUpstreamFailure(err: unknown): err is AnyUpstreamFailure {
  return err instanceof UpstreamFailure || err instanceof UpstreamTimeoutFailure;
}

/**
 * Coerce anything thrown inside an adapter into an upstream failure: typed failures pass through,
 * anything else becomes `fallbackKind` with a generic message (details stay in `cause`).
 */
export function toUpstreamFailure(
  err: unknown,
  fallbackKind: UpstreamErrorKind = 'unknown',
  context = 'upstream call failed',
): AnyUpstreamFailure {
  if (isUpstreamFailure(err)) return err;
  return upstreamFailure(fallbackKind, context, { cause: err });
}

function codeOf(kind: UpstreamErrorKind): string {
  return `upstream_${kind.replaceAll('-', '_')}`;
}
