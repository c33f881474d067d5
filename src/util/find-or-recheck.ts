import { NotFoundError } from './errors.js';

/**
 * `find()`; when it answers 404 and `recheck` is given, `recheck()` and `find()` once more. For
 * model names: several processes share one pool, and one sees accounts another process or the CLI
 * added only when it looks at the database again, so a model nobody served a moment ago may be
 * served now. A hit returns at once, awaiting nothing.
 */
export function findOrRecheck<T>(
  find: () => T,
  recheck: (() => Promise<unknown>) | undefined,
): T | Promise<T> {
  try {
    return find();
  } catch (err) {
    if (!(err instanceof NotFoundError) || recheck === undefined) throw err;
    return recheck().then(find);
  }
}
