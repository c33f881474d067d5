import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the app's registry in Prometheus text format. */
export function metricsRoutes(registry: Registry): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const text = await registry.metrics();
    return c.body(text, 200, { 'content-type': registry.contentType });
  });
  return app;
}
