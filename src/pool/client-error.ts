import type { AnyUpstreamFailure } from '../upstream/errors.js';
import {
  InvalidRequestError,
  NoCapacityError,
  ServiceUnavailableError,
  type RelayError,
} from '../util/errors.js';

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
