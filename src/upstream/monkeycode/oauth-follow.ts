import type { CookieJar } from 'tough-cookie';
import { z } from 'zod';
import { UpstreamFailure } from '../errors.js';
import type { OperatorSession } from '../operator-login-flows.js';
import type { CallOptions } from '../types.js';
import { captureSessionCookie } from './session-cookie.js';
import { cleanUpstreamMessage } from './error-codes.js';
import { parseJson } from './envelope.js';
import { isRedirect, sendHop, type HopDeps } from './oauth-hop.js';

/** Most redirects one login follows (the hosted flow needs two or three). */
export const MAX_HOPS = 8;

const errorBody = z.object({ code: z.number().optional(), message: z.string().optional() });

/** Where a redirect chain may go, and how to read the clock. */
export interface FollowScope {
  /** Origins (`URL.origin`) the chain may visit; a `Location` elsewhere ends it with a failure. */
  allowedOrigins: readonly string[];
  now: () => number;
}

/**
 * GET `start`, then every `Location` it leads to (docs/monkeycode-protocol.md §2.7 step 4: the callback path differs between
 * sources, so the path is never assumed), until a response sets `monkeycode_ai_session`.
 * Nothing is sent outside `scope.allowedOrigins`. No session at the end of the chain:
 * `bad-credentials` (the callback refused the code or state).
 */
export async function followToSession(
  deps: HopDeps,
  jar: CookieJar,
  start: URL,
  scope: FollowScope,
  context: string,
  options?: CallOptions,
): Promise<OperatorSession> {
  let url = start;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (!scope.allowedOrigins.includes(url.origin)) {
      throw new UpstreamFailure('protocol', `${context}: redirected to an unexpected host (${url.host})`);
    }
    const res = await sendHop(deps, jar, { method: 'GET', url, context, options });
    const session = captureSessionCookie(res.setCookies, scope.now());
    if (session !== null) return { value: session.value, expiresAt: session.expiresAt };
    if (!isRedirect(res.status) || res.location === null) {
      throw new UpstreamFailure(
        'bad-credentials',
        `${context}: no session was set (HTTP ${res.status}${reasonOf(res.body)})`,
        { upstreamCode: res.status },
      );
    }
    url = res.location;
  }
  throw new UpstreamFailure('protocol', `${context}: more than ${MAX_HOPS} redirects`);
}

/** ` — <message>` from an error envelope, trace id stripped; '' when there is none. */
export function reasonOf(body: string): string {
  const json = parseJson(body);
  const parsed = json.ok ? errorBody.safeParse(json.value) : null;
  const message = parsed?.success ? parsed.data.message : undefined;
  return message ? ` — ${cleanUpstreamMessage(message).slice(0, 200)}` : '';
}
