import { z } from 'zod';
import { isUpstreamFailure, UpstreamFailure } from '../errors.js';
import type { CallOptions, UpstreamLogin, UpstreamUser } from '../types.js';
import { obtainCaptchaToken } from './captcha/captcha-api.js';
import { captureSessionCookie } from './session-cookie.js';
import { parseEnvelope, protocolError } from './envelope.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { MonkeyCodeDeps } from './options.js';
import { SessionJar } from './session-jar.js';

// docs/monkeycode-protocol.md §2.2/§2.4: the `User` object; hosted may answer `{}` for a dead session, so everything is optional.
const userSchema = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  role: z.string().nullish(),
  status: z.string().nullish(),
  is_blocked: z.boolean().nullish(),
});
const statusSchema = z.object({ user: userSchema.nullish() }).nullish();

/** A login result plus the jar holding the new session (and any other cookies set). */
export interface MonkeyCodeLogin extends UpstreamLogin {
  jar: SessionJar;
}

/**
 * Password login (docs/monkeycode-protocol.md §2.2): captcha challenge → proof-of-work → redeem → `password-login` with
 * `captcha_token` (the real server requires it by default, so always solve) → capture the
 * `monkeycode_ai_session` cookie and its Max-Age → confirm with `/users/status`.
 * Failures: `bad-credentials` (10606), `banned` (10605), `forbidden` (403: captcha token rejected),
 * `captcha`, `timeout`, `network`, `protocol`. Messages never contain the password.
 */
export async function passwordLogin(
  http: MonkeyCodeHttp,
  deps: Pick<MonkeyCodeDeps, 'baseUrl' | 'clock' | 'timers' | 'captchaBudgetMs' | 'logger'>,
  credentials: { email: string; password: string },
  options: CallOptions = {},
): Promise<MonkeyCodeLogin> {
  const captchaToken = await obtainCaptchaToken(http, deps, options);
  const jar = new SessionJar(deps.baseUrl, deps.clock);
  const context = 'password login';
  // docs/monkeycode-protocol.md §2.2: the password goes as typed (no trim, no hash).
  const body = { email: credentials.email, password: credentials.password, captcha_token: captchaToken };
  const res = await http.exchange(jar, {
    method: 'POST',
    path: '/api/v1/users/password-login',
    body,
    context,
    options,
  });
  parseEnvelope(res, userSchema, context);
  const captured = captureSessionCookie(res.setCookies, deps.clock.now());
  if (!captured) throw protocolError(context, 'no session cookie in the answer');
  const user = await fetchSessionUser(http, jar, options);
  deps.logger.info({ userId: user.id }, 'upstream login succeeded');
  return { session: captured.value, expiresAt: captured.expiresAt, user, jar };
}

/**
 * `GET /api/v1/users/status` (docs/monkeycode-protocol.md §2.4). A dead session throws `UpstreamFailure('session-expired')`
 * for every shape docs/monkeycode-protocol.md §1.3 lists: 401 JSON, 401 text, 200 + empty `user`, non-JSON 2xx.
 */
export async function fetchSessionUser(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  options?: CallOptions,
): Promise<UpstreamUser> {
  const context = 'session status';
  const data = await http.api(jar, {
    method: 'GET',
    path: '/api/v1/users/status',
    schema: statusSchema,
    context,
    options,
  });
  const user = data?.user;
  if (!user?.id) {
    throw new UpstreamFailure('session-expired', `${context}: not logged in`, { upstreamCode: 401 });
  }
  return {
    id: user.id,
    name: user.name ?? '',
    email: user.email ?? '',
    role: user.role ?? null,
    status: user.status ?? null,
    blocked: user.is_blocked ?? false,
  };
}

/** `POST /api/v1/users/logout` (docs/monkeycode-protocol.md §2.5). An already-dead session counts as logged out. */
export async function logoutSession(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  options?: CallOptions,
): Promise<void> {
  try {
    await http.api(jar, {
      method: 'POST',
      path: '/api/v1/users/logout',
      schema: z.unknown(),
      context: 'logout',
      options,
    });
  } catch (err) {
    if (isUpstreamFailure(err) && err.kind === 'session-expired') return;
    throw err;
  }
}
