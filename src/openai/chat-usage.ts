import type { CompletionUsage } from './wire.js';

/** Token usage of one completion, as relaypool records it. */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** True when relaypool (or the upstream) estimated the numbers; the wire shape has no such flag. */
  estimated: boolean;
}

/** OpenAI's `usage` object. */
export function toWireUsage(usage: ChatUsage): CompletionUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
}
