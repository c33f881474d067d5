import { Hono } from 'hono';
import type { Account } from '../../pool/account-operations.js';
import type { AccountCheck, AccountService } from '../../pool/account-service.js';
import { InvalidRequestError, NotFoundError } from '../../util/errors.js';
import {
  accountIdParam,
  accountPatchBody,
  asAdminResult,
  newAccountBody,
  readAdminBody,
  sessionBody,
} from './admin-body.js';

/** What the account admin routes need. */
export interface AdminAccountDeps {
  accounts: AccountService;
  listAccounts: () => Promise<Account[]>;
  getAccount: (id: number) => Promise<Account | null>;
}

/** The answer to an add/update: the account (never a secret), its plan and usable models. */
export function checkView(check: AccountCheck, action: 'added' | 'updated') {
  return {
    action,
    reloggedIn: check.reloggedIn,
    account: check.account,
    plan: check.discovery.plan,
    models: check.discovery.allowedModels.map((m) => m.name),
  };
}

/** The session value from what the operator pasted (400 naming `cookie` when there is none). */
export function pastedCookie(accounts: Pick<AccountService, 'parseSessionInput'>, input: string): string {
  try {
    return accounts.parseSessionInput(input);
  } catch (err) {
    throw new InvalidRequestError(`cookie: ${err instanceof Error ? err.message : 'unusable value'}`, {
      code: 'invalid_cookie',
      param: 'cookie',
    });
  }
}

/**
 * `POST /admin/session` (add or update from a pasted cookie) and `GET/POST/PATCH/DELETE
 * /admin/accounts[/:id]`. Every change goes through the `AccountService` the CLI uses.
 */
export function adminAccountRoutes(deps: AdminAccountDeps): Hono {
  const app = new Hono();
  app.post('/admin/session', async (c) => {
    const body = await readAdminBody(c, sessionBody);
    const cookie = pastedCookie(deps.accounts, body.cookie);
    // A fresh cookie of a stored upstream user renews that account (and a stop parked for its
    // session goes ahead) instead of adding the user twice.
    const options = { label: body.label, maxConcurrency: body.maxConcurrency };
    const result = await asAdminResult(() => deps.accounts.upsertSession(cookie, options));
    return c.json(checkView(result, result.action), result.action === 'added' ? 201 : 200);
  });
  app.get('/admin/accounts', async (c) => c.json({ object: 'list', data: await deps.listAccounts() }));
  app.get('/admin/accounts/:id', async (c) => {
    const id = accountIdParam(c);
    const account = await deps.getAccount(id);
    if (account === null) throw new NotFoundError(`no account with id ${id}`, { code: 'account_not_found' });
    return c.json(account);
  });
  app.post('/admin/accounts', async (c) => {
    const body = await readAdminBody(c, newAccountBody);
    const options = { label: body.label, maxConcurrency: body.maxConcurrency };
    if (body.cookie !== undefined && (body.email !== undefined || body.password !== undefined)) {
      throw new InvalidRequestError('give either cookie, or email and password — not both', {
        code: 'invalid_request',
        param: 'cookie',
      });
    }
    if (body.cookie !== undefined) {
      const cookie = pastedCookie(deps.accounts, body.cookie);
      return c.json(
        checkView(await asAdminResult(() => deps.accounts.addCookie(cookie, options)), 'added'),
        201,
      );
    }
    if (body.email === undefined || body.password === undefined) {
      const param = body.email === undefined ? 'email' : 'password';
      throw new InvalidRequestError(`${param}: required (give cookie, or email and password)`, {
        code: 'invalid_request',
        param,
      });
    }
    const { email, password } = body;
    return c.json(
      checkView(await asAdminResult(() => deps.accounts.addPassword(email, password, options)), 'added'),
      201,
    );
  });
  app.patch('/admin/accounts/:id', async (c) => {
    const id = accountIdParam(c);
    const body = await readAdminBody(c, accountPatchBody);
    return c.json(await deps.accounts.configure(id, body));
  });
  app.delete('/admin/accounts/:id', async (c) => {
    const id = accountIdParam(c);
    const account = await deps.accounts.remove(id);
    return c.json({ id: account.id, label: account.label, deleted: true });
  });
  return app;
}
