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
  randomBytes: RandomBytes = nodeRandomBytes,
): () => string {
  return () => {
    let id = prefix;
    for (const byte of randomBytes(length)) id += ALPHABET[byte % ALPHABET.length];
    return id;
  };
}

/** A generator of chat completion ids (`chatcmpl-…`). */
export function createChatCompletionIds(randomBytes: RandomBytes = nodeRandomBytes): () => string {
  return createIdGenerator('chatcmpl-', 29, randomBytes);
}
