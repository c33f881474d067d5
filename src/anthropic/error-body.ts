import type { RelayError } from '../util/errors.js';
import type { AnthropicErrorBody, AnthropicErrorType } from './wire.js';

/** Anthropic's `error.type` for an HTTP status (its documented pairs; 503 is "overloaded" like 529). */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return 'api_error';
  }
}

/**
 * The body of an error on the `/v1/messages` routes, and the data of a stream's `error` event:
 * `{"type":"error","error":{"type","message"},"request_id"}`. The status stays relaypool's own
 * (the error family decides it); only the shape is Anthropic's.
 */
export function anthropicErrorBody(error: RelayError, requestId?: string | null): AnthropicErrorBody {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: anthropicErrorType(error.status), message: error.message },
  };
  if (requestId) body.request_id = requestId;
  return body;
}
