import type { MiddlewareHandler } from 'hono';
import { routeLabel } from '../server/metrics/route-label.js';
import { RelayError } from '../util/errors.js';
import type { TrafficLog } from './traffic-log.js';

/** The error's stable code when the handler threw one, else `http_<status>` for a failed status. */
function errorKind(error: Error | undefined, status: number): string | null {
  if (error instanceof RelayError) return error.code;
  if (error !== undefined) return 'internal_error';
  return status >= 400 ? `http_${status}` : null;
}

/**
 * Middleware for the API routes: once each response's headers are ready, one sample into the
 * dashboard's traffic log (route, status, time to first byte, request id, error kind). A stream
 * that fails after its headers went out counts by its 200 status here; its error frame is in the
 * usage table's outcome.
 */
export function trafficRecorder(
  log: TrafficLog,
  now: () => number,
  clock: () => number = performance.now.bind(performance),
): MiddlewareHandler {
  return async function recordTraffic(c, next) {
    const started = clock();
    try {
      await next();
    } finally {
      const status = c.res.status;
      log.record({
        at: now(),
        requestId: c.get('requestId') ?? '',
        method: c.req.method,
        route: routeLabel(c.req.path),
        status,
        ttfbMs: clock() - started,
        errorKind: errorKind(c.error, status),
      });
    }
  };
}
