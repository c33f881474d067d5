import type { Context } from 'hono';
import { InvalidRequestError } from '../util/errors.js';

/** The request body as JSON (`unknown` — parse it with a schema next); 400 when it is not JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (type !== '' && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new InvalidRequestError(`expected an application/json body, got ${type.split(';')[0]}`, {
      code: 'invalid_content_type',
    });
  }
  const text = await c.req.text();
  if (text.trim() === '')
    throw new InvalidRequestError('the request body is empty; expected a JSON object', {
      code: 'invalid_json',
    });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidRequestError('the request body is not valid JSON', { code: 'invalid_json' });
  }
}
