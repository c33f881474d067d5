import { Hono } from 'hono';
import type { DiscoverRow, RefreshResult } from '../../pool/account-operations.js';
import type { PoolReport } from '../../pool/pool-report.js';
import { emptyBody, readAdminBody } from './admin-body.js';

/** What the pool admin routes need. */
export interface AdminPoolDeps {
  poolReport: () => Promise<PoolReport>;
  /** Ask the upstream about every account (plan, image, host, models). */
  discover?: () => Promise<DiscoverRow[]>;
  /** Re-validate accounts, re-login where possible: every enabled one, or (`skipInvalid`) those not marked invalid. */
  refresh?: (options: { skipInvalid: boolean }) => Promise<RefreshResult[]>;
  /** The model ids the pool serves now. */
  modelIds?: () => string[];
}

function summary(results: RefreshResult[]) {
  return {
    total: results.length,
    ok: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    results,
  };
}

/**
 * `GET /admin/pool/status` (counts, queue, per-account rows — never secrets), `POST
 * /admin/pool/refresh`, `GET /admin/discover`, `POST /admin/refresh-models`.
 */
export function adminPoolRoutes(deps: AdminPoolDeps): Hono {
  const app = new Hono();
  app.get('/admin/pool/status', async (c) => c.json(await deps.poolReport()));
  const { discover, refresh, modelIds } = deps;
  if (discover !== undefined)
    app.get('/admin/discover', async (c) => c.json({ object: 'list', data: await discover() }));
  if (refresh !== undefined) {
    app.post('/admin/pool/refresh', async (c) => {
      await readAdminBody(c, emptyBody, { optional: true });
      return c.json(summary(await refresh({ skipInvalid: false })));
    });
    app.post('/admin/refresh-models', async (c) => {
      await readAdminBody(c, emptyBody, { optional: true });
      const results = await refresh({ skipInvalid: true });
      return c.json({ ...summary(results), models: modelIds?.() ?? [] });
    });
  }
  return app;
}
