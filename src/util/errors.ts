/**
 * The one error family of relaypool. Everything that can end a request throws one of these; the
 * server renders them in OpenAI's shape (`{"error":{"message","type","param","code"}}`) in exactly
 * two places: `app.onError` and the SSE writer's error frame. Messages say what failed and where,
 * never secrets or prompt text.
 */

/** OpenAI's `error.type` vocabulary. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

export interface RelayErrorOptions {
  /** Stable machine-readable code, e.g. `model_not_found`. */
  code?: string;
  /** The request field at fault, e.g. `messages[2].content`. */
  param?: string | null;
  cause?: unknown;
}

export abstract class RelayError extends Error {
  abstract readonly status: number;
  abstract readonly type: OpenAIErrorType;
  /** True when the same request may succeed if retried later; drives `x-should-retry`. */
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly param: string | null;

  constructor(message: string, defaultCode: string, options: RelayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? defaultCode;
    this.param = options.param ?? null;
  }

  /** OpenAI-shaped body. */
  toBody(): { error: { message: string; type: OpenAIErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** Extra response headers (e.g. `Retry-After`). */
  headers(): Record<string, string> {
    return { 'x-should-retry': String(this.retryable) };
  }
}

/** 400: the client sent something we cannot serve. */
export class InvalidRequestError extends RelayError {
  readonly status = 400;
  readonly type = 'invalid_request_error' as const;
  readonly retryable = false;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'invalid_request', options);
  }
}

/** 413: the request body is larger than the configured limit. */
export class PayloadTooLargeError extends RelayError {
  readonly status = 413;
  readonly type = 'invalid_request_error' as const;
  readonly retryable = false;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'request_too_large', options);
  }
}

/** 401: missing or wrong client API key / admin token. */
export class AuthenticationError extends RelayError {
  readonly status = 401;
  readonly type = 'authentication_error' as const;
  readonly retryable = false;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'invalid_api_key', options);
  }
}

/** 403: authenticated but not allowed (e.g. admin from a non-loopback address). */
export class PermissionError extends RelayError {
  readonly status = 403;
  readonly type = 'permission_error' as const;
  readonly retryable = false;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'forbidden', options);
  }
}

/** 404: unknown route, model, account or stored object. */
export class NotFoundError extends RelayError {
  readonly status = 404;
  readonly type = 'invalid_request_error' as const;
  readonly retryable = false;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'not_found', options);
  }
}

/** 429: every eligible account is busy or cooling down. */
export class NoCapacityError extends RelayError {
  readonly status = 429;
  readonly type = 'rate_limit_error' as const;
  readonly retryable = true;
  /** Seconds until the soonest account recovers. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options: RelayErrorOptions = {}) {
    super(message, 'pool_exhausted', options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
  override headers(): Record<string, string> {
    return { ...super.headers(), 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** 502: the upstream platform failed or answered something we cannot use. */
export class UpstreamError extends RelayError {
  readonly status: number = 502;
  readonly type = 'server_error' as const;
  readonly retryable: boolean;
  constructor(message: string, options: RelayErrorOptions & { retryable?: boolean } = {}) {
    super(message, 'upstream_error', options);
    this.retryable = options.retryable ?? true;
  }
}

/** 503: relaypool cannot serve right now (no account configured, shutting down). */
export class ServiceUnavailableError extends RelayError {
  readonly status = 503;
  readonly type = 'server_error' as const;
  readonly retryable = true;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'service_unavailable', options);
  }
}

/** 504: the upstream did not answer in time. */
export class UpstreamTimeoutError extends RelayError {
  readonly status = 504;
  readonly type = 'server_error' as const;
  readonly retryable = true;
  constructor(message: string, options: RelayErrorOptions = {}) {
    super(message, 'upstream_timeout', options);
  }
}

/** 500: a bug or an unexpected failure inside relaypool. */
export class InternalError extends RelayError {
  readonly status = 500;
  readonly type = 'server_error' as const;
  readonly retryable = false;
  constructor(message = 'internal error', options: RelayErrorOptions = {}) {
    super(message, 'internal_error', options);
  }
}

/** A user-facing CLI/config failure: one line on stderr, exit 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Coerce anything thrown into a RelayError (unknown errors become a 500 without leaking details). */
export function toRelayError(err: unknown): RelayError {
  if (err instanceof RelayError) return err;
  return new InternalError('internal error', { cause: err });
}
