import type { z } from 'zod';
import { InvalidRequestError } from '../util/errors.js';

/** A path into the request body, e.g. `['messages', 2, 'content']`. */
export type ParamPath = readonly PropertyKey[];

/** Format a path the way OpenAI names params: `messages[2].content[0].type`. */
export function formatParam(path: ParamPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A 400 for the field at `path`; `detail` says what is wrong (never the client's text). */
export function invalidParam(path: ParamPath, detail: string): InvalidRequestError {
  const param = formatParam(path);
  return new InvalidRequestError(`Invalid value for '${param}': ${detail}`, { param });
}

/**
 * A 400 for a well-formed field whose meaning relaypool cannot honour (code `unsupported_parameter`,
 * like OpenAI's own answer for parameters a model does not support).
 */
export function unsupportedParam(path: ParamPath, detail: string): InvalidRequestError {
  const param = formatParam(path);
  const message = `Unsupported value for '${param}': ${detail}`;
  return new InvalidRequestError(message, { param, code: 'unsupported_parameter' });
}

/** A 400 for a required field that is absent. */
export function missingParam(path: ParamPath): InvalidRequestError {
  const param = formatParam(path);
  return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param });
}

/**
 * Parse `value` (found at `path` in the body) with `schema`, or throw a 400 naming the exact field
 * of the first problem. zod's messages describe types, never the input, so they are safe to show.
 */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, path: ParamPath): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = [...path, ...(issue?.path ?? [])];
  if (at.length === 0) throw new InvalidRequestError('The request body must be a JSON object.');
  if (valueAt(value, issue?.path ?? []) === undefined && issue?.code === 'invalid_type') {
    throw missingParam(at);
  }
  throw invalidParam(at, describe(issue?.message));
}

function describe(message: string | undefined): string {
  if (message === undefined || message === '') return 'invalid input.';
  const text = message.replace(/^Invalid input: /, '').replace('expected int,', 'expected an integer,');
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}
