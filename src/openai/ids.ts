import { randomBytes as nodeRandomBytes } from 'node:crypto';

/** Source of random bytes; injectable so tests get deterministic ids. */
export type RandomBytes = (size: number) => Uint8Array;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A generator of ids like OpenAI's: `prefix` + `length` alphanumeric characters
 * (e.g. `chatcmpl-` + 29). The modulo bias over 62 symbols is irrelevant for ids.
 */
export function createIdGenerator(
  prefix: string,
  length = 29,
  randomBytes: RandomBytes = pooledRandomBytes(),
): () => string {
  return () => {
    let id = prefix;
    for (const byte of randomBytes(length)) id += ALPHABET[byte % ALPHABET.length];
    return id;
  };
}

/**
 * Random bytes cut from a buffer refilled `poolSize` bytes at a time: one call into the system's
 * CSPRNG per ~100 ids instead of one per id (each call costs more than the id). No byte is handed
 * out twice.
 */
export function pooledRandomBytes(poolSize = 4096): RandomBytes {
  let pool = new Uint8Array(0);
  let offset = 0;
  return (size) => {
    if (size > poolSize) return nodeRandomBytes(size);
    if (offset + size > pool.length) {
      pool = nodeRandomBytes(poolSize);
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** A generator of chat completion ids (`chatcmpl-…`). */
export function createChatCompletionIds(randomBytes: RandomBytes = pooledRandomBytes()): () => string {
  return createIdGenerator('chatcmpl-', 29, randomBytes);
}
