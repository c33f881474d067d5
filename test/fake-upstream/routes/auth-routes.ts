import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { bizError, frameworkError, jsonReply, ok, type Reply } from '../http/reply.js';
import { SESSION_COOKIE, type RequestContext } from '../http/request-context.js';
import type { Route } from '../http/router.js';
import { SESSION_MAX_AGE_S } from '../store.js';
import { statusJson, userJson } from '../views/user-view.js';

const loginBody = z.object({
  email: z.string().min(1),
  password: z.string().min(1),
  captcha_token: z.string().optional(),
});

/** `POST /users/password-login` (docs/monkeycode-protocol.md §2.2): captcha (403) → credentials (10606) → blocked (10605). */
function login(deps: AppDeps, ctx: RequestContext): Reply {
  const body = loginBody.safeParse(ctx.body.json);
  if (!body.success) return frameworkError(400, ctx.lang);
  if (deps.options.captcha.enabled) {
    const token = body.data.captcha_token ?? '';
    if (token === '' || !deps.captcha.consumeToken(token)) return frameworkError(403, ctx.lang);
  }
  const user = deps.store.userByEmail(body.data.email);
  if (user === undefined || user.role === 'enterprise' || user.password !== body.data.password)
    return bizError(10606, ctx.lang);
  if (user.blocked) return bizError(10605, ctx.lang);
  const cookie = deps.store.issueSession(user.id);
  const setCookie = `${SESSION_COOKIE}=${cookie}; Path=/; Max-Age=${SESSION_MAX_AGE_S}; HttpOnly; SameSite=Lax`;
  return ok(userJson(user), { 'set-cookie': setCookie });
}

/** `GET /users/status`: 401 JSON (SRC) or 200 + empty user (hosted variant). */
function status(deps: AppDeps, ctx: RequestContext): Reply {
  const auth = ctx.auth;
  if (auth === undefined || auth.session.snapshot.blocked) {
    return deps.options.statusVariant === 'empty200' ? ok({ user: {} }) : frameworkError(401, ctx.lang);
  }
  return ok(statusJson(auth.user));
}

/** `POST /users/logout`: deletes only the presented session and clears the cookie. */
function logout(deps: AppDeps, ctx: RequestContext): Reply {
  if (ctx.auth !== undefined) deps.store.sessions.delete(ctx.auth.session.cookie);
  return ok(undefined, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly` });
}

/** `POST /public/captcha/challenge` → 201, no envelope. */
function challenge(deps: AppDeps): Reply {
  const c = deps.captcha.createChallenge();
  return jsonReply(201, { challenge: c.params, token: c.token, expires: c.expires });
}

/** `POST /public/captcha/redeem` → 201 `{success:true,token,expires}` or 500 `{success:false,message}`. */
function redeem(deps: AppDeps, ctx: RequestContext): Reply {
  const result = deps.captcha.redeem(ctx.body.json ?? {});
  if (!result.ok) return jsonReply(500, { success: false, message: result.message });
  return jsonReply(201, { expires: result.expires, token: result.token, success: true });
}

/** Login, status, logout and captcha routes. */
export function authRoutes(deps: AppDeps): Route[] {
  return [
    { method: 'POST', path: '/api/v1/public/captcha/challenge', auth: 'none', handle: () => challenge(deps) },
    {
      method: 'POST',
      path: '/api/v1/public/captcha/redeem',
      auth: 'none',
      handle: (ctx) => redeem(deps, ctx),
    },
    { method: 'POST', path: '/api/v1/users/password-login', auth: 'none', handle: (ctx) => login(deps, ctx) },
    { method: 'GET', path: '/api/v1/users/status', auth: 'check', handle: (ctx) => status(deps, ctx) },
    { method: 'POST', path: '/api/v1/users/logout', auth: 'required', handle: (ctx) => logout(deps, ctx) },
  ];
}
