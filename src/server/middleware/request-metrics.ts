import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../metrics/metrics.js';
import { routeLabel } from '../metrics/route-label.js';

/** Count every request by route and status and observe its time to headers (once per request, never per chunk). */
export function requestMetrics(
  metrics: Metrics,
  now: () => number = performance.now.bind(performance),
): MiddlewareHandler {
  return async function measureRequest(c, next) {
    const started = now();
    try {
      await next();
    } finally {
      metrics.requestStarted(c.req.method, routeLabel(c.req.path), c.res.status, (now() - started) / 1000);
    }
  };
}
