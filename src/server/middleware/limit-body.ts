import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../util/errors.js';

/**
 * Reject bodies over `maxBytes` with a 413 in OpenAI's shape. A declared `content-length` is judged
 * by the header alone (the HTTP parser never delivers more): hono's `bodyLimit` would touch
 * `c.req.raw.body`, making @hono/node-server build a whole WHATWG `Request` on every POST. Chunked
 * bodies go through `bodyLimit`, which counts the bytes as they arrive.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new PayloadTooLargeError(`request body exceeds the limit of ${maxBytes} bytes`);
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function limitRequestBody(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(declared, 10) > maxBytes ? tooLarge() : next();
    }
    return counted(c, next);
  };
}
