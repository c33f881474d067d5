import type { AnyUpstreamFailure } from '../upstream/errors.js';
import {
  InvalidRequestError,
  NoCapacityError,
  ServiceUnavailableError,
  type RelayError,
} from '../util/errors.js';
import type { Classification } from './selection.js';

/**
 * What the client sees for an upstream failure. An upstream 401 is our account's problem and never
 * reaches the client as 401 (docs/architecture.md §1); request-scoped failures are the client's 400.
 */
export function clientErrorFor(failure: AnyUpstreamFailure): RelayError {
  switch (failure.kind) {
    case 'model-denied':
      return new InvalidRequestError('the upstream account may not use this model (plan restriction)', {
        code: 'model_not_allowed',
        param: 'model',
      });
    case 'input-too-large':
      return new InvalidRequestError('the request is too large for the upstream platform', {
        code: 'input_too_large',
        param: 'messages',
      });
    case 'concurrency':
    case 'rate-limited':
    case 'host-limit':
      return new NoCapacityError(`the upstream account is busy (${failure.kind}); retry shortly`, 5, {
        code: 'account_busy',
      });
    case 'credits':
      return new NoCapacityError('the upstream account is out of credits', 60, {
        code: 'account_out_of_credits',
      });
    case 'no-capacity':
      return new ServiceUnavailableError(
        'the upstream platform has no capacity right now (no VM host online)',
        { code: 'upstream_no_capacity' },
      );
    case 'session-expired':
      return new ServiceUnavailableError(
        'the upstream account session has expired; an operator must refresh it',
        {
          code: 'upstream_session_expired',
        },
      );
    case 'bad-credentials':
    case 'banned':
      return new ServiceUnavailableError('the upstream account is no longer usable', {
        code: 'upstream_account_invalid',
      });
    default:
      return failure;
  }
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The error for a request no eligible account can take (docs/architecture.md §4): 503 when no enabled account
 * offers the model at all (an operator must act), else 429 with `Retry-After` = the soonest
 * recovery and a message that says why, e.g. "all 4 accounts are cooling down; next in 12 s".
 * `fallbackRetryMs` is the hint when nothing has a known recovery time (expired, invalid).
 */
export function exhaustedError(c: Classification, now: number, fallbackRetryMs: number): RelayError {
  if (c.eligible === 0) {
    return new ServiceUnavailableError(
      'no enabled upstream account can serve this model; add or enable one with `relaypool accounts`',
      {
        code: 'no_usable_account',
      },
    );
  }
  const count = (reason: string): number => c.out.filter((o) => o.reason === reason).length;
  const cooling = c.out.filter((o) => o.reason === 'cooling');
  const soonest = Math.min(...c.out.map((o) => o.until ?? Infinity));
  const next = Number.isFinite(soonest) ? seconds(soonest - now) : null;
  if (cooling.length === c.eligible && next !== null) {
    const who = c.eligible === 1 ? 'the only account is' : `all ${c.eligible} accounts are`;
    return new NoCapacityError(`${who} cooling down; next in ${next} s`, next, { code: 'pool_cooling' });
  }
  const parts = [
    cooling.length > 0 ? `${cooling.length} cooling down${next === null ? '' : ` (next in ${next} s)`}` : '',
    count('expired') > 0 ? `${count('expired')} expired (session ended)` : '',
    count('invalid') > 0 ? `${count('invalid')} invalid (credentials refused or banned)` : '',
    count('tried') > 0 ? `${count('tried')} already tried for this request` : '',
  ].filter(Boolean);
  const retryAfter = next ?? (count('tried') === c.out.length ? 1 : seconds(fallbackRetryMs));
  return new NoCapacityError(
    `none of the ${plural(c.eligible, 'account')} can take this request: ${parts.join(', ')}`,
    retryAfter,
    {
      code: 'pool_exhausted',
    },
  );
}

/** The error for a request that waited `waitedMs` in the queue without getting a slot. */
export function queueTimeoutError(eligible: number, waitedMs: number): NoCapacityError {
  const who =
    eligible === 1
      ? 'the only account that can serve this model'
      : `all ${eligible} accounts that can serve this model`;
  return new NoCapacityError(
    `${who} stayed busy; gave up after waiting ${seconds(waitedMs)} s for a free slot`,
    1,
    { code: 'pool_busy' },
  );
}
