import type { Context } from 'hono';
import { anthropicErrorBody } from '../anthropic/index.js';
import type { Logger } from '../util/logger.js';
import { toRelayError } from '../util/errors.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The wire format of this request's errors; OpenAI's unless a route's middleware says otherwise. */
    errorShape: 'openai' | 'anthropic';
  }
}

/** The one conversion from a thrown error to an HTTP response, in OpenAI's shape or (on the Anthropic routes) Anthropic's. */
export function renderError(c: Context, err: unknown, logger: Logger): Response {
  const error = toRelayError(err);
  if (error.status >= 500) {
    logger.error({ err: error.cause ?? error, code: error.code, path: c.req.path }, 'request failed');
  }
  const body =
    c.get('errorShape') === 'anthropic' ? anthropicErrorBody(error, c.get('requestId')) : error.toBody();
  const response = c.json(body, { status: error.status as 500 });
  for (const [name, value] of Object.entries(error.headers())) response.headers.set(name, value);
  return response;
}
