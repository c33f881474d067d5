import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from './csrf.js';
import type { Flash } from './session-store.js';

/** Where the dashboard's own files are served (no CDN: everything comes from relaypool). */
export const ASSETS = '/dashboard/assets';

interface LayoutProps {
  title: string;
  /** The session's CSRF token; null on pages shown before login. */
  csrfToken: string | null;
  /** True when logging out means something (an admin token is configured). */
  canLogOut?: boolean;
  /** Section links in the header. */
  nav?: boolean;
  flash?: Flash | null;
  children?: Child;
}

/** A POST form with the session's CSRF token in a hidden field. */
export function PostForm(props: { action: string; csrfToken: string; class?: string; children?: Child }) {
  return (
    <form method="post" action={props.action} class={props.class}>
      <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
      {props.children}
    </form>
  );
}

/** The page shell: head with the styles and the client script, a header with the section links. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{props.title} · relaypool</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={`${ASSETS}/uPlot.min.css`} />
        <link rel="stylesheet" href={`${ASSETS}/dashboard.css`} />
        {props.csrfToken === null ? null : <meta name="csrf-token" content={props.csrfToken} />}
        <script type="module" src={`${ASSETS}/dashboard.js`}></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <p class="brand">
            <a href="/dashboard">relaypool</a>
          </p>
          {props.nav ? (
            <nav aria-label="Sections">
              <ul>
                <li>
                  <a href="#pool">Pool</a>
                </li>
                <li>
                  <a href="#traffic">Traffic</a>
                </li>
                <li>
                  <a href="#models">Models</a>
                </li>
                <li>
                  <a href="#actions">Actions</a>
                </li>
              </ul>
            </nav>
          ) : null}
          {props.canLogOut && props.csrfToken !== null ? (
            <PostForm action="/dashboard/logout" csrfToken={props.csrfToken} class="logout">
              <button type="submit">Log out</button>
            </PostForm>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.flash ? (
            <p
              id="flash"
              class={props.flash.ok ? 'flash ok' : 'flash error'}
              role={props.flash.ok ? 'status' : 'alert'}
            >
              {props.flash.message}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Send a page with its doctype and the dashboard's security headers. */
export function sendPage(
  c: Context,
  page: Child,
  status: 200 | 400 | 401 | 403 | 404 | 429 = 200,
): Response | Promise<Response> {
  securityHeaders(c);
  return c.html(html`<!doctype html>${page}`, status);
}

/**
 * Headers on every dashboard response: nothing but relaypool's own files may load or be
 * connected to (the CSP also keeps injected markup from running scripts), no framing, no caching
 * of pages that show the pool, no referrer.
 */
export function securityHeaders(c: Context): void {
  c.header(
    'content-security-policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('x-frame-options', 'DENY');
  c.header('x-content-type-options', 'nosniff');
  // Not no-referrer: with it, browsers send `Origin: null` on form posts and the CSRF check needs the origin.
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
}

/** A page with one message (denied, logged out, not found). */
export function MessagePage(props: {
  title: string;
  message: string;
  link?: { href: string; text: string };
}) {
  return (
    <Layout title={props.title} csrfToken={null}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.link ? (
        <p>
          <a href={props.link.href}>{props.link.text}</a>
        </p>
      ) : null}
    </Layout>
  );
}
