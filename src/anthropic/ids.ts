import { createIdGenerator, type RandomBytes } from '../openai/index.js';

/** A generator of message ids like Anthropic's (`msg_` + 24 alphanumerics). */
export function createMessageIds(randomBytes?: RandomBytes): () => string {
  return createIdGenerator('msg_', 24, randomBytes);
}
