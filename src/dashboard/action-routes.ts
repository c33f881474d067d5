import type { Context } from 'hono';
import { Hono } from 'hono';
import type { RefreshResult } from '../pool/account-operations.js';
import type { AccountService } from '../pool/account-service.js';
import { RelayError, UserError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { DashboardEnv } from './access.js';
import type { Flash } from './session-store.js';

/** The operations behind the Actions (the services the admin API and the CLI use, no HTTP round trip). */
export interface ActionDeps {
  accounts: AccountService;
  /** Re-validate accounts: every enabled one, or (`skipInvalid`) those not marked invalid. */
  refresh: (options: { skipInvalid: boolean }) => Promise<RefreshResult[]>;
  logger: Logger;
}

/** A message the operator may read: refusals say why (never a secret); anything else is logged. */
async function attempt(
  c: Context<DashboardEnv>,
  logger: Logger,
  work: () => Promise<string> | string,
): Promise<Flash> {
  try {
    return { ok: true, message: await work() };
  } catch (err) {
    if (err instanceof UserError || (err instanceof RelayError && err.status < 500))
      return { ok: false, message: err.message };
    logger.error({ err, requestId: c.get('requestId') }, 'dashboard action failed');
    return {
      ok: false,
      message: `The action failed with an internal error (request ${c.get('requestId')}); see the server log.`,
    };
  }
}

/** Post/redirect/get: the result is shown once on the page the operator returns to. */
function back(c: Context<DashboardEnv>, flash: Flash, anchor: string): Response {
  c.get('session').flash = flash;
  return c.redirect(`/dashboard#${anchor}`, 303);
}

/** A positive account id from the path, or null. */
function accountId(c: Context): number | null {
  const text = c.req.param('id') ?? '';
  return /^\d{1,15}$/.test(text) && Number(text) >= 1 ? Number(text) : null;
}

async function formText(c: Context, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value.trim() : '';
}

function summary(results: RefreshResult[], what: string): string {
  const failed = results.filter((r) => !r.ok);
  const head = `${what}: ${results.length - failed.length} of ${results.length} accounts ok`;
  return failed.length === 0
    ? `${head}.`
    : `${head}; ${failed.map((r) => `#${r.id} ${r.label}: ${r.error ?? 'failed'}`).join('; ')}.`;
}

/** `POST /dashboard/actions/…`: add from a cookie, enable, disable, re-check, remove, refresh models, re-check all. */
export function actionRoutes(deps: ActionDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const { accounts, logger } = deps;
  app.post('/dashboard/actions/accounts', async (c) => {
    const pasted = await formText(c, 'cookie');
    const label = await formText(c, 'label');
    const flash = await attempt(c, logger, async () => {
      let cookie: string;
      try {
        cookie = accounts.parseSessionInput(pasted);
      } catch (err) {
        throw new UserError(
          `The cookie is not usable: ${err instanceof Error ? err.message : 'unknown format'}.`,
        );
      }
      const result = await accounts.upsertCookie(cookie, {
        label: label === '' ? undefined : label.slice(0, 200),
      });
      const verb = result.action === 'added' ? 'Added' : 'Updated';
      return `${verb} account ${result.account.label} (#${result.account.id}): plan ${result.discovery.plan ?? 'unknown'}, ${result.discovery.allowedModels.length} models.`;
    });
    return back(c, flash, flash.ok ? 'pool' : 'actions');
  });
  const perAccount = (verb: string, run: (id: number) => Promise<string> | string) =>
    app.post(`/dashboard/actions/accounts/:id/${verb}`, async (c) => {
      const id = accountId(c);
      const flash =
        id === null ? { ok: false, message: 'No such account.' } : await attempt(c, logger, () => run(id));
      return back(c, flash, 'pool');
    });
  perAccount(
    'enable',
    async (id) => `Enabled account ${(await accounts.configure(id, { enabled: true })).label} (#${id}).`,
  );
  perAccount(
    'disable',
    async (id) => `Disabled account ${(await accounts.configure(id, { enabled: false })).label} (#${id}).`,
  );
  perAccount('remove', async (id) => `Removed account ${(await accounts.remove(id)).label} (#${id}).`);
  perAccount('refresh', async (id) => {
    const check = await accounts.refresh(id);
    const how = check.reloggedIn ? ' after a fresh login' : '';
    return `Account ${check.account.label} (#${id}) is ${check.account.status}${how}: plan ${check.discovery.plan ?? 'unknown'}, ${check.discovery.allowedModels.length} models.`;
  });
  app.post('/dashboard/actions/refresh-models', async (c) =>
    back(
      c,
      await attempt(c, logger, async () =>
        summary(await deps.refresh({ skipInvalid: true }), 'Models refreshed'),
      ),
      'models',
    ),
  );
  app.post('/dashboard/actions/refresh-pool', async (c) =>
    back(
      c,
      await attempt(c, logger, async () =>
        summary(await deps.refresh({ skipInvalid: false }), 'Accounts re-checked'),
      ),
      'pool',
    ),
  );
  return app;
}
