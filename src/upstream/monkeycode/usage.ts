import type { TokenUsage } from '../types.js';
import type { TaskStats } from './task-schema.js';

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

/** An estimate from the tokens estimated for what was sent and received (util/token-estimate.ts). */
export function estimateUsage(inputTokens: number, outputTokens: number): TokenUsage {
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
