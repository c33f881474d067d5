import { createIdGenerator, pooledRandomBytes, type RandomBytes } from './ids.js';

/** Id generators of the Responses API: responses (`resp_…`), messages (`msg_…`), reasoning (`rs_…`). */
export interface ResponseIds {
  response: () => string;
  message: () => string;
  reasoning: () => string;
}

/** Ids shaped like OpenAI's (prefix + 48 alphanumerics); inject `randomBytes` for determinism. */
export function createResponseIds(randomBytes: RandomBytes = pooledRandomBytes()): ResponseIds {
  return {
    response: createIdGenerator('resp_', 48, randomBytes),
    message: createIdGenerator('msg_', 48, randomBytes),
    reasoning: createIdGenerator('rs_', 48, randomBytes),
  };
}
