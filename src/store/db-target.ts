/** What `RELAYPOOL_DB` / `--db` / `store` names: a SQLite file, or a PostgreSQL URL. */

/** True for a `postgres://` or `postgresql://` URL (anything else is a SQLite path). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(target.trim());
}

/**
 * `host:port/database` of a PostgreSQL URL, for messages: never the user's password (nor the
 * query string, which may carry one). Port 5432 when the URL names none.
 */
export function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
  const host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return `${host}:${parsed.port || '5432'}${database === '' ? '' : `/${database}`}`;
}
