import type { CookieJar } from 'tough-cookie';
import { UpstreamFailure } from '../errors.js';
import type { CallOptions } from '../types.js';
import { reasonOf } from './oauth-follow.js';
import { isRedirect, sendHop, type HopDeps } from './oauth-hop.js';
import { apiUrl } from './options.js';

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
