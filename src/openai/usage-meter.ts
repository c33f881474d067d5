import type { TokenUsage } from '../upstream/types.js';
import {
  emptyTally,
  estimateTokens,
  tallyText,
  tallyTokens,
  type TokenTally,
} from '../util/token-estimate.js';

/** The prompt a turn sent upstream (a `ChatRequest` or `ResponsesRequest` fits); used only to estimate usage. */
export interface UsagePrompt {
  systemPrompt: string | null;
  content: string;
}

/** Counts one turn's usage: the upstream's numbers when it reports them, else an estimate. */
export interface UsageMeter {
  /** Count output text (answer or reasoning, shown or not) for the estimate. */
  addOutput(text: string): void;
  /** Take the upstream's own numbers (they win over the estimate). */
  report(usage: TokenUsage): void;
  /** Usage so far (`estimated` says whether it is a guess). */
  current(): TokenUsage;
}

/** A usage meter for one turn whose prompt was `prompt` (null: prompt tokens count as 0). */
export function createUsageMeter(prompt: UsagePrompt | null): UsageMeter {
  const output: TokenTally = emptyTally();
  let reported: TokenUsage | null = null;
  return {
    addOutput: (text) => void tallyText(output, text),
    report: (usage) => {
      const { inputTokens, outputTokens, totalTokens, estimated } = usage;
      reported = { inputTokens, outputTokens, totalTokens, estimated };
    },
    current: () => {
      if (reported !== null) return { ...reported };
      const inputTokens = prompt === null ? 0 : estimateTokens(prompt.systemPrompt, prompt.content);
      const outputTokens = tallyTokens(output);
      return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
    },
  };
}
