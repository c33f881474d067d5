import type { FakeStore } from '../store.js';
import { notFound, unauthorizedText, type Reply } from './reply.js';
import { SESSION_COOKIE, type RequestContext } from './request-context.js';

/**
 * Who may call a route: `none` (public), `required` (`auth.Auth()`: 401 text/plain without a
 * session), `check` (`auth.Check()`: the handler decides, e.g. `/users/status`).
 */
export type AuthMode = 'none' | 'required' | 'check';

/** One route. `path` is exact, or a RegExp whose groups become `params`. */
export interface Route {
  method: string;
  path: string | RegExp;
  auth: AuthMode;
  handle: (ctx: RequestContext, params: string[]) => Reply | Promise<Reply>;
}

/** Per-request overrides installed by fault hooks; `undefined` = route normally. */
export type OverrideHook = (ctx: RequestContext, stage: 'before-auth' | 'after-auth') => Reply | undefined;

/** A fault hook's promise that a request waits for before its handler runs; `undefined` = none. */
export type HoldHook = (ctx: RequestContext) => Promise<unknown> | undefined;

/** Finds the route, applies auth, fault overrides and holds, runs the handler. */
export async function dispatch(
  routes: readonly Route[],
  store: FakeStore,
  ctx: RequestContext,
  override: OverrideHook,
  hold: HoldHook = () => undefined,
): Promise<Reply> {
  const early = override(ctx, 'before-auth');
  if (early !== undefined) return early;
  for (const route of routes) {
    if (route.method !== ctx.method) continue;
    let params: string[];
    if (typeof route.path === 'string') {
      if (route.path !== ctx.path) continue;
      params = [];
    } else {
      const m = route.path.exec(ctx.path);
      if (m === null) continue;
      params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
    }
    if (route.auth !== 'none') ctx.auth = store.sessionFor(ctx.cookies[SESSION_COOKIE]);
    if (route.auth === 'required' && ctx.auth === undefined) return unauthorizedText();
    const late = override(ctx, 'after-auth');
    if (late !== undefined) return late;
    await hold(ctx);
    return route.handle(ctx, params);
  }
  return notFound();
}
