import type { MiddlewareHandler } from 'hono';
import { fixedFieldLogger, type Logger } from '../../util/logger.js';
import { newRequestTrace, type RequestTrace } from '../../util/request-trace.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Filled in by the pool: the account and upstream task that served this request. */
    trace: RequestTrace;
  }
}

/**
 * One log line per request, when the response starts: method, path, status, time to headers, and
 * the account label and upstream task id when the request ran on the pool.
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
    const trace = newRequestTrace();
    c.set('trace', trace);
    await next();
    lines.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((now() - started) * 10) / 10,
        ...(trace.account === null ? {} : { account: trace.account }),
        ...(trace.taskId === null ? {} : { task: trace.taskId }),
      },
      'request',
    );
  };
}
