import type { Context } from 'hono';
import { Hono } from 'hono';
import type { RemoteAddress } from '../server/middleware/admin-guard.js';
import type { FailureThrottle } from '../server/middleware/failure-throttle.js';
import {
  dashboardAccess,
  loginRoutes,
  logoutRoute,
  type AccessOptions,
  type DashboardEnv,
} from './access.js';
import { actionRoutes, type ActionDeps } from './action-routes.js';
import { RemovePage } from './actions-view.js';
import { assetRoutes } from './assets.js';
import { buildModelRows, buildPoolView, buildTrafficData, type DashboardSources } from './dashboard-data.js';
import { DashboardPage } from './dashboard-page.js';
import { MessagePage, securityHeaders, sendPage } from './layout.js';
import { PoolLive, POOL_FRAGMENT } from './pool-view.js';
import { DEFAULT_SESSION_TTL_MS, SessionStore } from './session-store.js';
import type { TrafficLog } from './traffic-log.js';
import { FAILURES_FRAGMENT, FailuresTable, TRAFFIC_API } from './traffic-view.js';

/** Everything the dashboard needs, wired by `createApp`. */
export interface DashboardDeps extends DashboardSources, ActionDeps {
  /** The admin token; null: loopback clients only, no login (docs/architecture.md §1). */
  adminToken: string | null;
  remoteAddress: RemoteAddress;
  /** The brute-force guard shared with the admin API. */
  throttle: FailureThrottle;
  traffic: TrafficLog;
  now: () => number;
  sessionTtlMs?: number;
}

/** Sessions kept at once (the oldest ends first). */
const MAX_SESSIONS = 1_000;

/** A live fragment: HTML the client script swaps into the page. */
function sendFragment(c: Context, fragment: ReturnType<typeof PoolLive>): Response | Promise<Response> {
  securityHeaders(c);
  return c.html(fragment);
}

/** `GET /dashboard` and everything under it: assets, login, pages, live fragments, chart data, actions. */
export function dashboardRoutes(deps: DashboardDeps): Hono<DashboardEnv> {
  const sessionTtlMs = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const access: AccessOptions = {
    adminToken: deps.adminToken,
    remoteAddress: deps.remoteAddress,
    throttle: deps.throttle,
    sessionTtlMs,
    sessions: new SessionStore({ now: deps.now, ttlMs: sessionTtlMs, maxSessions: MAX_SESSIONS }),
  };
  const canLogOut = deps.adminToken !== null;
  const app = new Hono<DashboardEnv>();
  // Assets and the login form come before the guard: a handler that answers ends the chain.
  app.route('/', assetRoutes());
  app.route('/', loginRoutes(access));
  const guard = dashboardAccess(access);
  app.use('/dashboard/*', guard); // matches /dashboard itself too
  app.get('/dashboard', async (c) => {
    const session = c.get('session');
    const flash = session.flash;
    session.flash = null;
    const now = deps.now();
    const page = (
      <DashboardPage
        pool={await buildPoolView(deps, now)}
        traffic={await buildTrafficData(deps, deps.traffic, now)}
        failures={deps.traffic.failures()}
        models={await buildModelRows(deps)}
        csrfToken={session.csrfToken}
        canLogOut={canLogOut}
        flash={flash}
      />
    );
    return sendPage(c, page);
  });
  app.get(POOL_FRAGMENT, async (c) => {
    const view = await buildPoolView(deps, deps.now());
    return sendFragment(c, <PoolLive view={view} csrfToken={c.get('session').csrfToken} />);
  });
  app.get(FAILURES_FRAGMENT, (c) => sendFragment(c, <FailuresTable failures={deps.traffic.failures()} />));
  app.get(TRAFFIC_API, async (c) => {
    securityHeaders(c);
    return c.json(await buildTrafficData(deps, deps.traffic, deps.now()));
  });
  app.get('/dashboard/accounts/:id/remove', async (c) => {
    const id = Number(c.req.param('id'));
    const account = Number.isInteger(id) ? (await deps.listAccounts()).find((a) => a.id === id) : undefined;
    if (account === undefined)
      return sendPage(
        c,
        <MessagePage
          title="No such account"
          message={`There is no account #${c.req.param('id')}.`}
          link={{ href: '/dashboard#pool', text: 'Back to the pool' }}
        />,
        404,
      );
    return sendPage(
      c,
      <RemovePage
        id={account.id}
        label={account.label}
        csrfToken={c.get('session').csrfToken}
        canLogOut={canLogOut}
      />,
    );
  });
  app.route('/', logoutRoute(access));
  app.route('/', actionRoutes(deps));
  return app;
}
