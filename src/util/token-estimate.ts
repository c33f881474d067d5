/**
 * Rough token counts for when the upstream reports none (docs/monkeycode-protocol.md §6.3: the stream
 * carries no per-turn usage). About four ASCII characters per token; every other code point (CJK
 * text in particular, common on MonkeyCode) counts as one token. Callers mark results `estimated`.
 */

/** Running character counts of text whose tokens will be estimated. */
export interface TokenTally {
  ascii: number;
  other: number;
}

/** An empty tally. */
export function emptyTally(): TokenTally {
  return { ascii: 0, other: 0 };
}

/** Add `text` to `tally` (mutates and returns it). */
export function tallyText(tally: TokenTally, text: string): TokenTally {
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) tally.ascii += 1;
    else tally.other += 1;
  }
  return tally;
}

/** Estimated tokens of a tally. */
export function tallyTokens(tally: TokenTally): number {
  return Math.ceil(tally.ascii / 4) + tally.other;
}

/** Estimated tokens of the given texts (nulls skipped). */
export function estimateTokens(...texts: ReadonlyArray<string | null>): number {
  const tally = emptyTally();
  for (const text of texts) if (text !== null) tallyText(tally, text);
  return tallyTokens(tally);
}
