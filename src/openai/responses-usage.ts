import type { TokenUsage } from '../upstream/types.js';
import type { ResponseUsage } from './responses-wire.js';

/** The Responses API's `usage` object for a recorded usage. */
export function toResponseUsage(usage: TokenUsage): ResponseUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.totalTokens,
  };
}
