import { Hono } from 'hono';
import type { PoolStatus } from '../../pool/status.js';

export interface HealthDeps {
  version: string;
  startedAt: number;
  now: () => number;
  poolStatus: () => Promise<PoolStatus>;
}

/** `GET /health`: liveness plus a pool summary (counts only, no account details — no auth here). */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/health', async (c) => {
    const { accounts: _accounts, ...counts } = await deps.poolStatus();
    return c.json({
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
      pool: counts,
    });
  });
  return app;
}
