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

/**
 * Add `text` to `tally` (mutates and returns it): per code point, ASCII or not. Read by code unit
 * (every output chunk passes here twice), a surrogate pair counting once, a lone surrogate once.
 */
export function tallyText(tally: TokenTally, text: string): TokenTally {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) ascii += 1;
    else {
      other += 1;
      if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    }
  }
  tally.ascii += ascii;
  tally.other += other;
  return tally;
}

// `charCodeAt` past the end is NaN, which is no surrogate.
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

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
