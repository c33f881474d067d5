import { UpstreamError, UpstreamTimeoutError } from '../util/errors.js';

/**
 * Machine-readable reason an upstream call failed. Platform-neutral: every adapter maps its own
 * codes onto these so the pool can decide what to do with the account (see `scopeOf`).
 */
export type UpstreamErrorKind =
  | 'session-expired'
  | 'bad-credentials'
  | 'banned'
  | 'forbidden'
  | 'captcha'
  | 'concurrency'
  | 'no-capacity'
  | 'host-limit'
  | 'rate-limited'
  | 'model-denied'
  | 'credits'
  | 'not-found'
  | 'bad-request'
  | 'input-too-large'
  | 'task-failed'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'unknown';

/**
 * What a failure says about the account that made the call:
 * - `request`: the request itself cannot be served; leave the account alone.
 * - `account-cooling`: the account is busy/out of quota; cool it with backoff, try another.
 * - `account-invalid`: credentials are wrong or the account is banned.
 * - `session-expired`: re-login (or mark expired), then try again.
 * - `transient`: a passing failure of the platform or the network; retry elsewhere/later.
 */
export type UpstreamErrorScope =
  'request' | 'account-cooling' | 'account-invalid' | 'session-expired' | 'transient';

interface KindInfo {
  readonly retryable: boolean;
  readonly scope: UpstreamErrorScope;
}

const KINDS: Readonly<Record<UpstreamErrorKind, KindInfo>> = {
  'session-expired': { retryable: true, scope: 'session-expired' },
  'bad-credentials': { retryable: false, scope: 'account-invalid' },
  banned: { retryable: false, scope: 'account-invalid' },
  forbidden: { retryable: false, scope: 'transient' },
  captcha: { retryable: true, scope: 'transient' },
  concurrency: { retryable: true, scope: 'account-cooling' },
  'no-capacity': { retryable: true, scope: 'account-cooling' },
  'host-limit': { retryable: true, scope: 'account-cooling' },
  'rate-limited': { retryable: true, scope: 'account-cooling' },
  'model-denied': { retryable: false, scope: 'request' },
  credits: { retryable: true, scope: 'account-cooling' },
  'not-found': { retryable: false, scope: 'request' },
  'bad-request': { retryable: false, scope: 'request' },
  'input-too-large': { retryable: false, scope: 'request' },
  'task-failed': { retryable: true, scope: 'transient' },
  unavailable: { retryable: true, scope: 'transient' },
  network: { retryable: true, scope: 'transient' },
  timeout: { retryable: true, scope: 'transient' },
  protocol: { retryable: true, scope: 'transient' },
  unknown: { retryable: false, scope: 'transient' },
};

/** Default `retryable` flag of a kind: may the same request succeed later or on another account? */
export function isRetryableKind(kind: UpstreamErrorKind): boolean {
  return KINDS[kind].retryable;
}

/** What a failure of this kind means for the account (drives the pool's health state machine). */
export function scopeOf(kind: UpstreamErrorKind): UpstreamErrorScope {
  return KINDS[kind].scope;
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
