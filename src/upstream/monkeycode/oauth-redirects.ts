import type { CookieJar } from 'tough-cookie';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { abortReason, createDeadline, type Timers } from '../../util/timing.js';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import type { UpstreamLogger } from '../logger.js';
import type { OperatorSession } from '../operator-login-flows.js';
import type { CallOptions } from '../types.js';
import { parseJson } from './envelope.js';
import { cleanUpstreamMessage } from './error-codes.js';
import { apiUrl } from './options.js';
import { captureSessionCookie } from './session-cookie.js';

// The OAuth login's redirects (docs/monkeycode-protocol.md §2.7): one hop at a time, the chain that
// ends in a session cookie, and the first hop whose Location carries the authorize parameters.

/** What a hop needs: transport, timers, logging. */
export interface HopDeps {
  dispatcher: Dispatcher | undefined;
  timers: Timers;
  logger: UpstreamLogger;
  requestTimeoutMs: number;
  acceptLanguage: string;
}

/** One request of a login flow. Redirects are never followed here (the caller decides). */
export interface Hop {
  method: 'GET' | 'POST';
  url: URL;
  /** Serialised as JSON when present. */
  body?: unknown;
  /** What is being done, for messages and logs. */
  context: string;
  options?: CallOptions | undefined;
}

/** The answer of one hop; `location` is resolved against the request URL. */
export interface HopResult {
  status: number;
  contentType: string;
  body: string;
  location: URL | null;
  setCookies: string[];
}

/**
 * Send one request with the flow's cookie jar (cookies are sent from and stored into it, for
 * every host on the way), without following redirects, so cookies set on intermediate hops are
 * kept. Never throws on status; transport failures are typed like `MonkeyCodeHttp`'s.
 */
export async function sendHop(deps: HopDeps, jar: CookieJar, hop: Hop): Promise<HopResult> {
  const deadline = createDeadline(
    deps.timers,
    hop.options?.timeoutMs ?? deps.requestTimeoutMs,
    hop.options?.signal,
  );
  try {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-language': deps.acceptLanguage,
    };
    if (hop.body !== undefined) headers['content-type'] = 'application/json';
    const cookie = await jar.getCookieString(hop.url.href);
    if (cookie.length > 0) headers.cookie = cookie;
    const response = await request(hop.url, {
      method: hop.method,
      headers,
      body: hop.body === undefined ? undefined : JSON.stringify(hop.body),
      signal: deadline.signal,
      dispatcher: deps.dispatcher,
    });
    const body = await response.body.text();
    const setCookies = headerList(response.headers['set-cookie']);
    for (const line of setCookies) await jar.setCookie(line, hop.url.href, { ignoreError: true });
    const location = locationOf(headerList(response.headers.location)[0], hop.url);
    deps.logger.debug({ call: hop.context, status: response.statusCode }, 'upstream http');
    return {
      status: response.statusCode,
      contentType: headerList(response.headers['content-type'])[0] ?? '',
      body,
      location,
      setCookies,
    };
  } catch (err) {
    const parent = hop.options?.signal;
    if (parent?.aborted) throw abortReason(parent);
    if (deadline.expired) throw new UpstreamTimeoutFailure(`${hop.context} timed out`);
    throw new UpstreamFailure('network', `${hop.context}: network error`, { cause: err });
  } finally {
    deadline.dispose();
  }
}

/** True for the statuses that carry a `Location` to follow. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function locationOf(value: string | undefined, base: URL): URL | null {
  if (value === undefined || value.trim() === '') return null;
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

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

/** The OAuth parameters MonkeyCode puts into its redirect to the identity provider. */
export interface OAuthParams {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
}

/**
 * docs/monkeycode-protocol.md §2.7 step 1: `GET {mc}/api/v1/users/login?redirect=&inviter_id=` answers 302 to
 * `{baizhi}/oauth/authorize?client_id&redirect_uri&scope&state`; the parameters are taken from
 * that `Location` (cookies MonkeyCode sets stay in `jar` for the callback).
 */
export async function startOAuth(
  deps: HopDeps,
  jar: CookieJar,
  baseUrl: URL,
  options?: CallOptions,
): Promise<OAuthParams> {
  const context = 'start OAuth login';
  const url = apiUrl({ baseUrl }, '/api/v1/users/login', { redirect: '', inviter_id: '' });
  const res = await sendHop(deps, jar, { method: 'GET', url, context, options });
  if (!isRedirect(res.status) || res.location === null) {
    throw new UpstreamFailure(
      res.status >= 500 ? 'unavailable' : 'protocol',
      `${context}: expected a redirect (HTTP ${res.status}${reasonOf(res.body)})`,
      { upstreamCode: res.status },
    );
  }
  const query = res.location.searchParams;
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri');
  const state = query.get('state');
  if (!clientId || !redirectUri || !state) {
    throw new UpstreamFailure('protocol', `${context}: the redirect lacks client_id, redirect_uri or state`);
  }
  return { clientId, redirectUri, scope: query.get('scope') ?? '', state };
}
