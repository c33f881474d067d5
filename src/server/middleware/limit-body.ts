import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../util/errors.js';

/** Reject bodies over `maxBytes` with a 413 in OpenAI's shape (checked on the header and while reading). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLargeError(`request body exceeds the limit of ${maxBytes} bytes`);
    },
  });
}
