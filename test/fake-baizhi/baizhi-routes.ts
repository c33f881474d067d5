import { z } from 'zod';
import type { CaptchaService } from '../fake-upstream/captcha/captcha-service.js';
import { jsonReply, type Reply } from '../fake-upstream/http/reply.js';
import type { BaizhiState } from './baizhi-state.js';

/** Name of the fake's own session cookie (Baizhi's real name is unknown; relaypool must not care). */
export const BAIZHI_COOKIE = 'baizhi_session';

/** The client id the fake MonkeyCode uses. */
export const MONKEYCODE_CLIENT_ID = 'monkeycode-ai'; // = the fake MonkeyCode's BAIZHI_CLIENT_ID

/** One parsed request. */
export interface BaizhiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  cookies: Record<string, string>;
  json: unknown;
}

/** What the routes share. */
export interface BaizhiDeps {
  state: BaizhiState;
  captcha: CaptchaService;
  /** False: phone_code and login/phone accept a missing captcha token. */
  captchaRequired: () => boolean;
}

const phoneCodeBody = z.object({
  phone: z.string().min(1),
  kind: z.string(),
  captcha_token: z.string().optional(),
});
const loginBody = z.object({
  phone: z.string().min(1),
  code: z.string().min(1),
  captcha_token: z.string().optional(),
});
const tokenBody = z.object({ code: z.string(), client_id: z.string() });

/** Baizhi's envelope `{code, message, success, data}`. */
export function envelope(
  status: number,
  code: number,
  message: string,
  data?: unknown,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(
    status,
    { code, message, success: code === 0, ...(data === undefined ? {} : { data }) },
    headers,
  );
}

function captchaOk(deps: BaizhiDeps, token: string | undefined): boolean {
  if (token !== undefined && token !== '' && deps.captcha.consumeToken(token)) return true;
  return !deps.captchaRequired() && (token === undefined || token === '');
}

function phoneCode(deps: BaizhiDeps, req: BaizhiRequest): Reply {
  const body = phoneCodeBody.safeParse(req.json);
  if (!body.success || body.data.kind !== 'login') return envelope(400, 40000, 'invalid parameters');
  if (!captchaOk(deps, body.data.captcha_token)) return envelope(400, 40301, 'captcha verification failed');
  deps.state.sendCode(body.data.phone);
  return envelope(200, 0, 'success');
}

function loginPhone(deps: BaizhiDeps, req: BaizhiRequest): Reply {
  const body = loginBody.safeParse(req.json);
  if (!body.success) return envelope(400, 40000, 'invalid parameters');
  if (!captchaOk(deps, body.data.captcha_token)) return envelope(400, 40301, 'captcha verification failed');
  const verdict = deps.state.checkCode(body.data.phone, body.data.code);
  if (verdict === 'wrong') return envelope(200, 40002, 'invalid verification code');
  if (verdict === 'expired') return envelope(200, 40003, 'verification code expired');
  const session = deps.state.openSession(body.data.phone);
  return envelope(
    200,
    0,
    'success',
    { phone: body.data.phone },
    { 'set-cookie': `${BAIZHI_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax` },
  );
}

/** docs/monkeycode-protocol.md §2.7 step 3: with a Baizhi session, 302 to `redirect_uri?code=…&state=…`. */
function authorize(deps: BaizhiDeps, req: BaizhiRequest): Reply {
  const phone = deps.state.sessions.get(req.cookies[BAIZHI_COOKIE] ?? '');
  if (phone === undefined) return envelope(401, 401, 'unauthorized');
  const clientId = req.query.get('client_id') ?? '';
  const redirectUri = req.query.get('redirect_uri') ?? '';
  if (
    clientId !== MONKEYCODE_CLIENT_ID ||
    !URL.canParse(redirectUri) ||
    req.query.get('response_type') !== 'code'
  )
    return envelope(400, 40000, 'invalid oauth request');
  const target = new URL(redirectUri);
  target.searchParams.set('code', deps.state.issueAuthCode({ phone, clientId, redirectUri }));
  target.searchParams.set('state', req.query.get('state') ?? '');
  return { status: 302, headers: { location: target.href }, body: '' };
}

/** Server-to-server code exchange the fake MonkeyCode calls (not part of relaypool's flow). */
function token(deps: BaizhiDeps, req: BaizhiRequest): Reply {
  const body = tokenBody.safeParse(req.json);
  const grant = body.success ? deps.state.redeemAuthCode(body.data.code) : undefined;
  if (!body.success || grant === undefined || grant.clientId !== body.data.client_id)
    return envelope(400, 40010, 'invalid authorization code');
  return envelope(200, 0, 'success', { phone: grant.phone, name: `user${grant.phone.slice(-4)}` });
}

/** Routes the request; undefined when there is no such route. */
export function routeBaizhi(deps: BaizhiDeps, req: BaizhiRequest): Reply | undefined {
  const key = `${req.method} ${req.path}`;
  if (key === 'POST /api/v1/public/captcha/challenge') {
    const c = deps.captcha.createChallenge();
    return jsonReply(201, { challenge: c.params, token: c.token, expires: c.expires });
  }
  if (key === 'POST /api/v1/public/captcha/redeem') {
    const result = deps.captcha.redeem(req.json ?? {});
    return result.ok
      ? jsonReply(201, { expires: result.expires, token: result.token, success: true })
      : jsonReply(500, { success: false, message: result.message });
  }
  if (key === 'POST /api/v1/user/phone_code') return phoneCode(deps, req);
  if (key === 'POST /api/v1/user/login/phone') return loginPhone(deps, req);
  if (key === 'GET /api/v1/oauth/authorize') return authorize(deps, req);
  if (key === 'POST /api/v1/oauth/token') return token(deps, req);
  return undefined;
}
