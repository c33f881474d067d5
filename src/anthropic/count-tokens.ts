import { estimateTokens } from '../util/token-estimate.js';
import type { MessagesPrompt } from './messages-request.js';
import type { TokenCount } from './wire.js';

/**
 * `POST /v1/messages/count_tokens`: the estimate relaypool records as usage when the upstream
 * reports none (about four ASCII characters per token) of the prompt a task would start with.
 */
export function countTokens(prompt: Pick<MessagesPrompt, 'systemPrompt' | 'content'>): TokenCount {
  return { input_tokens: estimateTokens(prompt.systemPrompt, prompt.content) };
}
