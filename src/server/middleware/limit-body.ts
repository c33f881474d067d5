import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../util/errors.js';

/**
 * Reject bodies over `maxBytes` with a 413 in OpenAI's shape.
 *
 * A body with a `content-length` (and no `transfer-encoding`) is judged by the header alone: the
 * HTTP parser never delivers more bytes than declared, so the body is not touched here. This is
 * the hot path of every POST: hono's `bodyLimit` reads `c.req.raw.body` first, which makes
 * @hono/node-server build a full WHATWG `Request` (a web stream over the socket, an
 * AbortController, a URL) and sends the route's `c.req.text()` through that stream instead of its
 * direct read. Only bodies without a declared length (chunked) go through `bodyLimit`, which counts
 * the bytes as they arrive.
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
