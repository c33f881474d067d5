import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../util/logger.js';

/** One log line per request, when the response starts: method, path, status, time to headers. */
export function accessLog(logger: Logger, now: () => number = performance.now.bind(performance)): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = now();
    await next();
    logger.info(
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
