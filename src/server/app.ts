import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { dashboardRoutes, type DashboardDeps } from '../dashboard/dashboard-routes.js';
import { TrafficLog } from '../dashboard/traffic-log.js';
import { trafficRecorder } from '../dashboard/traffic-recorder.js';
import { NotFoundError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { OperatorLogin } from '../pool/operator-login.js';
import type { PoolStatus } from '../pool/status.js';
import type { Metrics } from './metrics/metrics.js';
import { accessLog } from './middleware/access-log.js';
import { adminGuard, socketAddress, type RemoteAddress } from './middleware/admin-guard.js';
import { clientAuth } from './middleware/client-auth.js';
import { DEFAULT_THROTTLE, FailureThrottle, type ThrottleOptions } from './middleware/failure-throttle.js';
import { limitBody } from './middleware/limit-body.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { renderError } from './render-error.js';
import { adminAccountRoutes, type AdminAccountDeps } from './routes/admin-accounts.js';
import { adminLoginRoutes } from './routes/admin-login.js';
import { adminPoolRoutes, type AdminPoolDeps } from './routes/admin-pool.js';
import { chatCompletionsRoutes, type ChatRouteDeps } from './routes/chat-completions.js';
import { healthRoutes } from './routes/health.js';
import { anthropicErrors, messagesRoutes, type MessagesRouteDeps } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelsRoutes } from './routes/models.js';
import { responsesRoutes, type ResponsesRouteDeps } from './routes/responses.js';

/** Everything the HTTP layer needs, built by the composition root (`start.ts`). */
export interface AppDeps {
  logger: Logger;
  version: string;
  bodyLimitBytes: number;
  poolStatus: () => Promise<PoolStatus>;
  now?: () => number;
  newId?: () => string;
  /** The client's address (default: the TCP peer); injectable for in-process tests. */
  remoteAddress?: RemoteAddress;
  /** Client keys for `/v1/*` and how to hash one (the hash scopes a client's data); absent or empty keys: `/v1` is open. */
  auth?: { apiKeys: readonly string[]; hashKey: (apiKey: string) => string };
  /** Brute-force guard settings (default `DEFAULT_THROTTLE`, clock `now`). */
  throttle?: Partial<ThrottleOptions>;
  /** The OpenAI routes (and the Anthropic Messages routes, when given); absent in tests that exercise only the HTTP shell. */
  v1?: ChatRouteDeps & { responses: ResponsesRouteDeps; messages?: MessagesRouteDeps };
  /** The admin routes, behind the admin guard; absent in tests that exercise only the HTTP shell. */
  admin?: AdminPoolDeps &
    Partial<AdminAccountDeps> & {
      adminToken: string | null;
      remoteAddress?: RemoteAddress;
      login?: OperatorLogin;
    };
  /** The operator dashboard at `/dashboard` (its own auth follows `admin.adminToken`); needs `admin`. */
  dashboard?: Omit<DashboardDeps, 'adminToken' | 'remoteAddress' | 'throttle' | 'traffic' | 'now' | 'logger'>;
  /** Prometheus metrics; `/metrics` sits behind the admin guard. */
  metrics?: Metrics;
}

const sha256Hex = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Build the Hono app. Pure wiring: no I/O happens here. */
export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? Date.now;
  const remoteAddress = deps.remoteAddress ?? deps.admin?.remoteAddress ?? socketAddress;
  const throttle = new FailureThrottle({ ...DEFAULT_THROTTLE, now, ...deps.throttle });
  const app = new Hono();
  app.use('*', requestId({ generator: deps.newId ?? (() => crypto.randomUUID()) }));
  if (deps.v1?.messages) app.use('/v1/messages/*', anthropicErrors);
  app.use('*', accessLog(deps.logger));
  if (deps.metrics) app.use('*', requestMetrics(deps.metrics));
  const traffic = deps.dashboard && deps.admin ? new TrafficLog() : null;
  if (traffic) app.use('/v1/*', trafficRecorder(traffic, now));
  app.use('*', limitBody(deps.bodyLimitBytes));
  app.route('/', healthRoutes({ version: deps.version, startedAt: now(), now, poolStatus: deps.poolStatus }));
  if (deps.admin) {
    const guard = adminGuard(deps.admin.adminToken, remoteAddress, throttle);
    app.use('/admin/*', guard);
    if (deps.metrics) {
      app.use('/metrics', guard);
      app.route('/', metricsRoutes(deps.metrics.registry));
    }
    app.route('/', adminPoolRoutes(deps.admin));
    const { accounts, listAccounts, getAccount } = deps.admin;
    if (accounts && listAccounts && getAccount)
      app.route('/', adminAccountRoutes({ accounts, listAccounts, getAccount }));
    if (deps.admin.login) app.route('/', adminLoginRoutes(deps.admin.login));
    if (deps.dashboard && traffic) {
      const { adminToken } = deps.admin;
      app.route(
        '/',
        dashboardRoutes({
          ...deps.dashboard,
          adminToken,
          remoteAddress,
          throttle,
          traffic,
          now,
          logger: deps.logger,
        }),
      );
    }
  }
  if (deps.v1) {
    app.use(
      '/v1/*',
      clientAuth({
        apiKeys: deps.auth?.apiKeys ?? [],
        hashKey: deps.auth?.hashKey ?? sha256Hex,
        throttle,
        remoteAddress,
      }),
    );
    app.route('/', modelsRoutes(deps.v1.catalog, deps.v1.messages?.models));
    app.route('/', chatCompletionsRoutes(deps.v1));
    app.route('/', responsesRoutes(deps.v1.responses));
    if (deps.v1.messages) app.route('/', messagesRoutes(deps.v1.messages));
  }
  app.notFound((c) =>
    renderError(
      c,
      new NotFoundError(`unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' }),
      deps.logger,
    ),
  );
  app.onError((err, c) => renderError(c, err, deps.logger));
  return app;
}
