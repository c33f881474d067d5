import { Hono } from 'hono';
import type { PoolReport } from '../../pool/pool-report.js';

/** What the pool admin routes need. */
export interface AdminPoolDeps {
  poolReport: () => PoolReport;
}

/** `GET /admin/pool/status`: counts by state, the wait queue and per-account rows (never secrets). */
export function adminPoolRoutes(deps: AdminPoolDeps): Hono {
  const app = new Hono();
  app.get('/admin/pool/status', (c) => c.json(deps.poolReport()));
  return app;
}
