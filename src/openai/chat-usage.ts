import type { TokenUsage } from '../upstream/types.js';
import type { CompletionUsage } from './wire.js';

/** OpenAI's `usage` object (its wire shape has no `estimated` flag). */
export function toWireUsage(usage: TokenUsage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
  };
}
