import type { TokenUsage } from '../types.js';
import type { TaskStats } from './task-schema.js';

/** Rough tokens of `chars` characters (≈ 4 characters per token). */
export function estimateTokens(chars: number): number {
  return chars <= 0 ? 0 : Math.ceil(chars / 4);
}

/**
 * docs/monkeycode-protocol.md §4.2/§9.2 item 4: the only billed token counts are the task's cumulative `stats`, so a turn's
 * usage is `after − before`. Null when the platform reported no increase (stats absent or lagging).
 */
export function usageFromStats(before: TaskStats | null, after: TaskStats | null): TokenUsage | null {
  if (!after) return null;
  const inputTokens = after.inputTokens - (before?.inputTokens ?? 0);
  const outputTokens = after.outputTokens - (before?.outputTokens ?? 0);
  if (inputTokens < 0 || outputTokens < 0 || inputTokens + outputTokens === 0) return null;
  const totalTokens = Math.max(after.totalTokens - (before?.totalTokens ?? 0), inputTokens + outputTokens);
  return { inputTokens, outputTokens, totalTokens, estimated: false };
}

/** An estimate from the characters sent and received. */
export function estimateUsage(inputChars: number, outputChars: number): TokenUsage {
  const inputTokens = estimateTokens(inputChars);
  const outputTokens = estimateTokens(outputChars);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
