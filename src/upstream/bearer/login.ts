import { z } from 'zod';
import { upstreamFailure, type AnyUpstreamFailure } from '../errors.js';
import type { PlatformGrant } from './platform.js';
import { jwtClaimsOf } from './token-session.js';
import type { BearerAnswer, BearerCall, BearerHttp } from './http.js';
import { failureFromStatus } from './http-failure.js';

/**
 * A login call: a 401 (or 400/403 from platforms that answer bad passwords that way) means the
 * credentials are wrong, never an expired session.
 */
export async function loginCall(http: BearerHttp, call: BearerCall): Promise<BearerAnswer> {
  const answer = await http.read(call);
  if (answer.status >= 200 && answer.status <= 299) return answer;
  if (answer.status === 401 || answer.status === 403 || answer.status === 400)
    throw failureFromStatus(answer, call.context, 'bad-credentials');
  throw failureFromStatus(answer, call.context);
}

/** A login answer whose body did not parse: the platform speaks another protocol than the spec. */
export function unexpectedBody(context: string, cause?: unknown): AnyUpstreamFailure {
  return upstreamFailure('protocol', `${context}: unexpected answer`, { cause });
}

const tokenAnswer = z.looseObject({ access_token: z.string().min(1), token_type: z.string().optional() });

/**
 * Log in with `call` on a platform that answers `{"access_token": JWT, "token_type": "bearer"}` and
 * has no refresh token: the token ends at its `exp`; the user id is its `sub` (else `fallbackId`).
 */
export async function jwtLogin(
  http: BearerHttp,
  call: BearerCall,
  login: string,
  fallbackId: string,
): Promise<PlatformGrant> {
  const answer = await loginCall(http, call);
  const parsed = tokenAnswer.safeParse(answer.json);
  if (!parsed.success) throw unexpectedBody(call.context, parsed.error);
  const token = parsed.data.access_token;
  const claims = jwtClaimsOf(token);
  const id = claims.subject ?? fallbackId;
  return {
    tokens: { access: token, refresh: null, expiresAt: claims.expiresAt },
    user: { id, name: login, email: login, role: null, status: null, blocked: false },
  };
}
