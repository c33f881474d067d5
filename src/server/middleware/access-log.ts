import type { MiddlewareHandler } from 'hono';
import { fixedFieldLogger, type Logger } from '../../util/logger.js';

/**
 * One log line per request, when the response starts: method, path, status, time to headers.
 * Its fields are fixed and never hold a secret, so it writes through `fixedFieldLogger` (no
 * redaction pass: that pass costs ~20 times the line itself, on every request).
 */
export function accessLog(
  logger: Logger,
  now: () => number = performance.now.bind(performance),
): MiddlewareHandler {
  const lines = fixedFieldLogger(logger);
  return async function logRequest(c, next) {
    const started = now();
    await next();
    lines.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((now() - started) * 10) / 10,
      },
      'request',
    );
  };
}
