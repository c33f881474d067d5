import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { randomHex } from '../ids.js';
import { frameworkError, type Reply } from '../http/reply.js';
import { SESSION_COOKIE, type RequestContext } from '../http/request-context.js';
import type { Route } from '../http/router.js';
import { SESSION_MAX_AGE_S } from '../store.js';

/** The client id MonkeyCode presents to Baizhi (the fake Baizhi accepts this one). */
export const BAIZHI_CLIENT_ID = 'monkeycode-ai';
/** Where Baizhi sends the browser back (one of the three paths docs/monkeycode-protocol.md §2.7 lists). */
export const BAIZHI_CALLBACK_PATH = '/api/v1/users/baizhi/callback';
/** An older callback path that redirects to the current one (a redirect hop for clients to follow). */
export const LEGACY_CALLBACK_PATH = '/api/v1/users/login/callback';

const tokenAnswer = z.object({
  success: z.literal(true),
  data: z.object({ phone: z.string(), name: z.string().optional() }),
});

function redirect(location: string, headers: Record<string, string> = {}): Reply {
  return { status: 302, headers: { location, ...headers }, body: '' };
}

/** docs/monkeycode-protocol.md §2.7 step 1: 302 to Baizhi's authorize page with client_id, redirect_uri, scope and a fresh state. */
function login(deps: AppDeps, states: Set<string>, ctx: RequestContext): Reply {
  const state = randomHex(16);
  states.add(state);
  const target = new URL('/oauth/authorize', deps.options.baizhiUrl);
  target.searchParams.set('client_id', BAIZHI_CLIENT_ID);
  target.searchParams.set(
    'redirect_uri',
    `http://${ctx.headers['host'] ?? '127.0.0.1'}${BAIZHI_CALLBACK_PATH}`,
  );
  target.searchParams.set('scope', 'userinfo');
  target.searchParams.set('state', state);
  return redirect(target.href);
}

/** docs/monkeycode-protocol.md §2.7 step 4: check the state, exchange the code with Baizhi, find or create the user, set the session, 302 to `/`. */
async function callback(deps: AppDeps, states: Set<string>, ctx: RequestContext): Promise<Reply> {
  const state = ctx.query.get('state') ?? '';
  const code = ctx.query.get('code') ?? '';
  if (!states.delete(state) || code === '') return frameworkError(400, ctx.lang);
  const res = await fetch(new URL('/api/v1/oauth/token', deps.options.baizhiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, client_id: BAIZHI_CLIENT_ID }),
  });
  const answer = tokenAnswer.safeParse(await res.json().catch(() => null));
  if (!answer.success) return frameworkError(400, ctx.lang);
  const email = `${answer.data.data.phone}@baizhi.invalid`;
  const user =
    deps.store.userByEmail(email) ??
    deps.store.addUser({ email, password: randomHex(24), name: answer.data.data.name ?? email, plan: 'pro' });
  const cookie = deps.store.issueSession(user.id);
  return redirect('/', {
    'set-cookie': `${SESSION_COOKIE}=${cookie}; Path=/; Max-Age=${SESSION_MAX_AGE_S}; HttpOnly; SameSite=Lax`,
  });
}

/** The Baizhi OAuth login: `GET /users/login`, the callback, and a legacy callback path that redirects to it. */
export function oauthRoutes(deps: AppDeps): Route[] {
  const states = new Set<string>();
  return [
    { method: 'GET', path: '/api/v1/users/login', auth: 'none', handle: (ctx) => login(deps, states, ctx) },
    { method: 'GET', path: BAIZHI_CALLBACK_PATH, auth: 'none', handle: (ctx) => callback(deps, states, ctx) },
    {
      method: 'GET',
      path: LEGACY_CALLBACK_PATH,
      auth: 'none',
      handle: (ctx) => redirect(`${BAIZHI_CALLBACK_PATH}?${ctx.query.toString()}`),
    },
  ];
}
