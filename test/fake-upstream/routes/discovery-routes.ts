import type { AppDeps } from '../app-deps.js';
import { CATALOG_IMAGES, imageJson } from '../catalog/images.js';
import { CATALOG_MODELS, modelJson } from '../catalog/models.js';
import { frameworkError, ok, type Reply } from '../http/reply.js';
import type { RequestContext } from '../http/request-context.js';
import type { Route } from '../http/router.js';
import type { UserRecord } from '../types.js';

/** Opaque cursor: base64url of the next offset. */
function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function parseLimit(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= 0 ? fallback : n;
}

/** `GET /users/models?limit=&cursor=`: cursor pagination, server page capped at `modelsPageSize`. */
function models(deps: AppDeps, ctx: RequestContext): Reply {
  const limit = parseLimit(ctx.query.get('limit'), 100);
  const cursor = ctx.query.get('cursor');
  const offset = cursor === null || cursor === '' ? 0 : decodeCursor(cursor);
  if (limit === undefined || offset === undefined) return frameworkError(400, ctx.lang);
  const size = Math.min(limit, deps.options.modelsPageSize);
  const rows = CATALOG_MODELS.slice(offset, offset + size);
  const next = offset + rows.length;
  const hasNext = next < CATALOG_MODELS.length;
  const page = hasNext ? { cursor: encodeCursor(next), has_next_page: true } : { has_next_page: false };
  return ok({ models: rows.map(modelJson), page });
}

/** `GET /users/images`: one page (devbox is public but not first). */
function images(): Reply {
  return ok({ images: CATALOG_IMAGES.map(imageJson), page: { has_next_page: false } });
}

/** `GET /users/subscription` (hosted shape, docs/monkeycode-protocol.md §3.4). */
function subscription(user: UserRecord): Reply {
  return ok({
    plan: user.plan,
    expires_at: user.plan === 'basic' ? '' : '2027-01-01T00:00:00+08:00',
    auto_renew: false,
    source: user.plan === 'basic' ? '' : 'purchase',
    enable_credit_consumption: true,
  });
}

/** `GET /users/wallet` (hosted only, docs/monkeycode-protocol.md §3.5). */
function wallet(user: UserRecord): Reply {
  return ok({
    id: user.id,
    balance: user.wallet.balance,
    daily_token_balance: user.wallet.dailyTokenBalance,
    daily_token_limit: user.wallet.dailyTokenLimit,
  });
}

/** Models, images, hosts, subscription and wallet. */
export function discoveryRoutes(deps: AppDeps): Route[] {
  const withUser =
    (fn: (user: UserRecord) => Reply) =>
    (ctx: RequestContext): Reply => {
      if (ctx.auth === undefined) throw new Error('route requires auth');
      return fn(ctx.auth.user);
    };
  return [
    { method: 'GET', path: '/api/v1/users/models', auth: 'required', handle: (ctx) => models(deps, ctx) },
    { method: 'GET', path: '/api/v1/users/images', auth: 'required', handle: () => images() },
    { method: 'GET', path: '/api/v1/users/hosts', auth: 'required', handle: () => ok({ hosts: [] }) },
    { method: 'GET', path: '/api/v1/users/subscription', auth: 'required', handle: withUser(subscription) },
    { method: 'GET', path: '/api/v1/users/wallet', auth: 'required', handle: withUser(wallet) },
  ];
}
