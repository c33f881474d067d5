import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isLoopbackHost } from '../server/bind-policy.js';
import type { RemoteAddress } from '../server/middleware/admin-guard.js';
import type { FailureThrottle } from '../server/middleware/failure-throttle.js';
import { sameSecret } from '../server/middleware/same-secret.js';
import { NoCapacityError } from '../util/errors.js';
import { fromSameOrigin, passesCsrf } from './csrf.js';
import { MessagePage, sendPage } from './layout.js';
import { LoginPage } from './login-page.js';
import type { DashboardSession, SessionStore } from './session-store.js';

/** The session cookie: HttpOnly, SameSite=Strict, scoped to /dashboard, ending with the session. */
export const SESSION_COOKIE = 'relaypool_dashboard';

/** What the dashboard's handlers find in the context once access is granted. */
export interface DashboardEnv {
  Variables: { session: DashboardSession };
}

/** Who may use the dashboard, and how a login is checked. */
export interface AccessOptions {
  adminToken: string | null;
  remoteAddress: RemoteAddress;
  sessions: SessionStore;
  throttle: FailureThrottle;
  sessionTtlMs: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The Host header names a loopback host (a DNS-rebinding page would send its own name). */
function hostHeaderIsLoopback(c: Context): boolean {
  const host = c.req.header('host') ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return name !== '' && isLoopbackHost(name);
}

function startSession(c: Context, options: AccessOptions): DashboardSession {
  const session = options.sessions.create();
  const https = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/dashboard',
    maxAge: Math.floor(options.sessionTtlMs / 1000),
    secure: https,
  });
  return session;
}

const refused = (c: Context, message: string) =>
  sendPage(c, <MessagePage title="Refused" message={message} />, 403);

/**
 * The dashboard's guard, the `/admin/*` rule (docs/architecture.md §1): without an admin token, loopback clients
 * only (by peer address and Host header) and each browser gets a session on its first page; with
 * one, a session from the login form is required (a page request is sent to the login form).
 * Every state-changing request must then pass the CSRF check.
 */
export function dashboardAccess(options: AccessOptions): MiddlewareHandler<DashboardEnv> {
  return async function guardDashboard(c, next) {
    let session = options.sessions.get(getCookie(c, SESSION_COOKIE));
    if (options.adminToken === null) {
      const address = options.remoteAddress(c);
      if (address === null || !isLoopbackHost(address) || !hostHeaderIsLoopback(c)) {
        return refused(
          c,
          'Without an admin token the dashboard is open to loopback clients only (configure RELAYPOOL_ADMIN_TOKEN).',
        );
      }
      session ??= startSession(c, options);
    } else if (session === null) {
      if (SAFE_METHODS.has(c.req.method)) return c.redirect('/dashboard/login', 303);
      return sendPage(
        c,
        <MessagePage
          title="Logged out"
          message="Your session has ended."
          link={{ href: '/dashboard/login', text: 'Log in' }}
        />,
        401,
      );
    }
    if (!SAFE_METHODS.has(c.req.method) && !(await passesCsrf(c, session.csrfToken))) {
      return refused(
        c,
        'This request did not come from a dashboard page of this server (CSRF check failed).',
      );
    }
    c.set('session', session);
    await next();
  };
}

/** Seconds until a locked-out address may try again, from the throttle's 429. */
function retryAfter(err: NoCapacityError): string {
  return err.headers()['retry-after'] ?? '1';
}

/** `GET/POST /dashboard/login` (the admin token, once) and `POST /dashboard/logout` (behind the guard). */
export function loginRoutes(options: AccessOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.get('/dashboard/login', (c) =>
    options.adminToken === null ? c.redirect('/dashboard', 303) : sendPage(c, <LoginPage error={null} />),
  );
  app.post('/dashboard/login', async (c) => {
    const adminToken = options.adminToken;
    if (adminToken === null) return c.redirect('/dashboard', 303);
    if (!fromSameOrigin(c)) return refused(c, 'This login did not come from the login page of this server.');
    const address = options.remoteAddress(c) ?? 'unknown';
    try {
      options.throttle.check(address);
    } catch (err) {
      if (!(err instanceof NoCapacityError)) throw err;
      c.header('retry-after', retryAfter(err));
      return sendPage(
        c,
        <LoginPage error={`Too many failed logins from this address: try again in ${retryAfter(err)} s.`} />,
        429,
      );
    }
    const token = (await c.req.parseBody())['token'];
    if (typeof token !== 'string' || !sameSecret(token, adminToken)) {
      options.throttle.fail(address);
      return sendPage(c, <LoginPage error="That is not the admin token." />, 401);
    }
    options.throttle.succeed(address);
    startSession(c, options);
    return c.redirect('/dashboard', 303);
  });
  return app;
}

/** `POST /dashboard/logout`: ends the session (mounted behind the guard, so CSRF-checked). */
export function logoutRoute(options: AccessOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.post('/dashboard/logout', (c) => {
    options.sessions.end(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/dashboard' });
    return c.redirect(options.adminToken === null ? '/dashboard' : '/dashboard/login', 303);
  });
  return app;
}
