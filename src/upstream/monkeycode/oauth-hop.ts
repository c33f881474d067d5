import { request, type Dispatcher } from 'undici';
import type { CookieJar } from 'tough-cookie';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import type { UpstreamLogger } from '../logger.js';
import { abortReason, createDeadline, type Timers } from '../../util/timing.js';
import type { CallOptions } from '../types.js';

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
