import { Hono } from 'hono';
import type { OperatorLogin } from '../../pool/operator-login.js';
import { checkView } from './admin-accounts.js';
import { asAdminResult, callbackBody, readAdminBody, sendCodeBody, verifyBody } from './admin-body.js';

/**
 * Operator-driven logins (docs/monkeycode-protocol.md §2.7/§2.8): `POST /admin/login/send-code`, `/verify` and
 * `/callback`. Answers never carry the code, a cookie or the identity provider's session.
 */
export function adminLoginRoutes(login: OperatorLogin): Hono {
  const app = new Hono();
  app.post('/admin/login/send-code', async (c) => {
    const body = await readAdminBody(c, sendCodeBody);
    const sent = await login.sendCode(body.phone, { label: body.label, maxConcurrency: body.maxConcurrency });
    return c.json({
      loginId: sent.loginId,
      phone: sent.phone,
      expiresAt: new Date(sent.expiresAt).toISOString(),
      expiresInS: sent.expiresInS,
    });
  });
  app.post('/admin/login/verify', async (c) => {
    const body = await readAdminBody(c, verifyBody);
    const options = { label: body.label, maxConcurrency: body.maxConcurrency };
    const check = await asAdminResult(() =>
      login.verify({ loginId: body.loginId, phone: body.phone, code: body.code, options }),
    );
    return c.json(checkView(check, check.action), check.action === 'added' ? 201 : 200);
  });
  app.post('/admin/login/callback', async (c) => {
    const body = await readAdminBody(c, callbackBody);
    const check = await asAdminResult(() =>
      login.callback(body.url, { label: body.label, maxConcurrency: body.maxConcurrency }),
    );
    return c.json(checkView(check, check.action), check.action === 'added' ? 201 : 200);
  });
  return app;
}
