import type { Context } from 'hono';
import type { Logger } from '../util/logger.js';
import { toRelayError } from '../util/errors.js';

/** The one conversion from a thrown error to an OpenAI-shaped HTTP response. */
export function renderError(c: Context, err: unknown, logger: Logger): Response {
  const error = toRelayError(err);
  if (error.status >= 500) {
    logger.error({ err: error.cause ?? error, code: error.code, path: c.req.path }, 'request failed');
  }
  const response = c.json(error.toBody(), { status: error.status as 500 });
  for (const [name, value] of Object.entries(error.headers())) response.headers.set(name, value);
  return response;
}
