/** Error text as stored in `last_error` columns. */

const MAX_LAST_ERROR = 500;

/** Short single-line error text for display; callers must not pass secrets in it. */
export function shortError(text: string | null): string | null {
  if (text === null) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is folded away
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > MAX_LAST_ERROR ? `${line.slice(0, MAX_LAST_ERROR - 1)}…` : line;
}
