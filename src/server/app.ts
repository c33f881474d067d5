import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { NotFoundError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { PoolStatus } from '../pool/status.js';
import { accessLog } from './middleware/access-log.js';
import { adminGuard, type RemoteAddress } from './middleware/admin-guard.js';
import { limitBody } from './middleware/limit-body.js';
import { renderError } from './render-error.js';
import { adminPoolRoutes, type AdminPoolDeps } from './routes/admin-pool.js';
import { chatCompletionsRoutes, type ChatRouteDeps } from './routes/chat-completions.js';
import { healthRoutes } from './routes/health.js';
import { modelsRoutes } from './routes/models.js';
import { responsesRoutes, type ResponsesRouteDeps } from './routes/responses.js';

/** Everything the HTTP layer needs, built by the composition root (`start.ts`). */
export interface AppDeps {
  logger: Logger;
  version: string;
  bodyLimitBytes: number;
  poolStatus: () => PoolStatus;
  now?: () => number;
  newId?: () => string;
  /** The OpenAI routes; absent in tests that exercise only the HTTP shell. */
  v1?: ChatRouteDeps & { responses: ResponsesRouteDeps };
  /** The admin routes, behind the admin guard; absent in tests that exercise only the HTTP shell. */
  admin?: AdminPoolDeps & { adminToken: string | null; remoteAddress?: RemoteAddress };
}

/** Build the Hono app. Pure wiring: no I/O happens here. */
export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.use('*', requestId({ generator: deps.newId ?? (() => crypto.randomUUID()) }));
  app.use('*', accessLog(deps.logger));
  app.use('*', limitBody(deps.bodyLimitBytes));
  app.route('/', healthRoutes({ version: deps.version, startedAt: now(), now, poolStatus: deps.poolStatus }));
  if (deps.admin) {
    app.use('/admin/*', adminGuard(deps.admin.adminToken, deps.admin.remoteAddress));
    app.route('/', adminPoolRoutes(deps.admin));
  }
  if (deps.v1) {
    app.route('/', modelsRoutes(deps.v1.catalog));
    app.route('/', chatCompletionsRoutes(deps.v1));
    app.route('/', responsesRoutes(deps.v1.responses));
  }
  app.notFound((c) => renderError(c, new NotFoundError(`unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' }), deps.logger));
  app.onError((err, c) => renderError(c, err, deps.logger));
  return app;
}
