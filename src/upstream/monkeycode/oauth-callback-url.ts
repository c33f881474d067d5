import { CallbackUrlError } from '../operator-login-flows.js';

/**
 * The URL to request for a pasted OAuth callback (docs/monkeycode-protocol.md §2.7 step 4): the same path and query on the
 * configured upstream's origin. Refuses (`CallbackUrlError`) anything that is not an absolute
 * http(s) URL on the upstream's host, whose path is not under `/api/`, or that has no `code`.
 */
export function callbackTarget(pasted: string, upstream: URL): URL {
  let url: URL;
  try {
    url = new URL(pasted.trim());
  } catch {
    throw new CallbackUrlError('expected the absolute URL the browser was sent to after authorizing');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CallbackUrlError('expected an http(s) URL');
  if (url.host.toLowerCase() !== upstream.host.toLowerCase()) {
    throw new CallbackUrlError(`the URL is not on the configured upstream host (${upstream.host})`);
  }
  if (!url.pathname.startsWith('/api/'))
    throw new CallbackUrlError(
      'the URL path is not under /api/ (paste the callback URL, not the page it led to)',
    );
  if (!url.searchParams.has('code')) throw new CallbackUrlError('the URL has no code parameter');
  const target = new URL(upstream.origin);
  target.pathname = url.pathname;
  target.search = url.search;
  return target;
}
