import type { ChatUsage } from './chat-usage.js';
import type { ResponseUsage } from './responses-wire.js';

/** The Responses API's `usage` object for a recorded usage. */
export function toResponseUsage(usage: ChatUsage): ResponseUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.totalTokens,
  };
}
