import type { CookieJar } from 'tough-cookie';
import { z } from 'zod';
import { UpstreamFailure } from '../errors.js';
import type { CallOptions } from '../types.js';
import { cleanUpstreamMessage } from './error-codes.js';
import { parseJson } from './envelope.js';
import { sendHop, type HopDeps } from './oauth-redirects.js';
import type { OAuthParams } from './oauth-redirects.js';
import { apiUrl } from './options.js';

// docs/monkeycode-protocol.md §2.7: Baizhi's envelope is `{code, message, success, data}`.
const baizhiEnvelope = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  success: z.boolean().optional(),
});

/** A Baizhi API call within one login's cookie jar. */
interface BaizhiCall {
  path: string;
  body: unknown;
  context: string;
  /** The failure kind when Baizhi refuses (a business error, or a 4xx). */
  refusal: 'bad-credentials' | 'bad-request';
}

/**
 * POST an enveloped Baizhi endpoint. Success is `success: true` (or `code: 0`) on a 2xx.
 * A refusal (business error or 4xx) throws `refusal` with Baizhi's message; 5xx `unavailable`;
 * an answer that is not an envelope `protocol`.
 */
async function callBaizhi(
  deps: HopDeps,
  jar: CookieJar,
  baizhiUrl: URL,
  call: BaizhiCall,
  options?: CallOptions,
): Promise<void> {
  const res = await sendHop(deps, jar, {
    method: 'POST',
    url: apiUrl({ baseUrl: baizhiUrl }, call.path),
    body: call.body,
    context: call.context,
    options,
  });
  const json = parseJson(res.body);
  const envelope = json.ok ? baizhiEnvelope.safeParse(json.value) : null;
  const ok =
    envelope?.success === true &&
    (envelope.data.success === true || (envelope.data.success === undefined && envelope.data.code === 0));
  if (res.status >= 200 && res.status < 300 && ok) return;
  if (res.status >= 500)
    throw new UpstreamFailure('unavailable', `${call.context} failed (HTTP ${res.status})`, {
      upstreamCode: res.status,
    });
  if (!envelope?.success)
    throw new UpstreamFailure('protocol', `${call.context}: unexpected answer (HTTP ${res.status})`, {
      upstreamCode: res.status,
    });
  const message = envelope.data.message ? `: ${cleanUpstreamMessage(envelope.data.message)}` : '';
  throw new UpstreamFailure(call.refusal, `${call.context} refused${message}`, {
    upstreamCode: envelope.data.code ?? res.status,
  });
}

/** `POST {baizhi}/api/v1/user/phone_code` `{phone, kind:"login", captcha_token}`: Baizhi texts a code. */
export function requestPhoneCode(
  deps: HopDeps,
  jar: CookieJar,
  baizhiUrl: URL,
  phone: string,
  captchaToken: string,
  options?: CallOptions,
): Promise<void> {
  const body = { phone, kind: 'login', captcha_token: captchaToken };
  return callBaizhi(
    deps,
    jar,
    baizhiUrl,
    { path: '/api/v1/user/phone_code', body, context: 'send SMS code', refusal: 'bad-request' },
    options,
  );
}

/** `POST {baizhi}/api/v1/user/login/phone` `{phone, code, captcha_token}`: sets Baizhi's session cookie in `jar`. */
export function loginWithPhone(
  deps: HopDeps,
  jar: CookieJar,
  baizhiUrl: URL,
  phone: string,
  code: string,
  captchaToken: string,
  options?: CallOptions,
): Promise<void> {
  const body = { phone, code, captcha_token: captchaToken };
  return callBaizhi(
    deps,
    jar,
    baizhiUrl,
    { path: '/api/v1/user/login/phone', body, context: 'SMS login', refusal: 'bad-credentials' },
    options,
  );
}

/** docs/monkeycode-protocol.md §2.7 step 3: `GET {baizhi}/api/v1/oauth/authorize?…&response_type=code` (302 to MonkeyCode's callback). */
export function authorizeUrl(baizhiUrl: URL, params: OAuthParams): URL {
  return apiUrl({ baseUrl: baizhiUrl }, '/api/v1/oauth/authorize', {
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    scope: params.scope,
    state: params.state,
    response_type: 'code',
  });
}
