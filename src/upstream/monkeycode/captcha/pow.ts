import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A go-cap challenge: token plus `c` sub-challenges, `s`-char salts, `d`-char targets. */
export interface CaptchaChallenge {
  token: string;
  count: number;
  saltLength: number;
  difficulty: number;
}

/** Upper bounds that keep a hostile or broken server from asking for unbounded work. */
export const challengeSchema = z.object({
  token: z.string().min(1).max(256),
  count: z.number().int().min(1).max(1000),
  saltLength: z.number().int().min(1).max(256),
  difficulty: z.number().int().min(1).max(8),
});

/** One sub-challenge: find `n` with `sha256(salt + n)` (hex) starting with `target`. */
export interface SubChallenge {
  salt: string;
  target: string;
}

/** docs/captcha-pow.md §3: salts and targets are derived from the token, indices one-based. */
export function deriveSubChallenges(challenge: CaptchaChallenge): SubChallenge[] {
  const subs: SubChallenge[] = [];
  for (let i = 1; i <= challenge.count; i++) {
    subs.push({
      salt: prng(`${challenge.token}${i}`, challenge.saltLength),
      target: prng(`${challenge.token}${i}d`, challenge.difficulty),
    });
  }
  return subs;
}

/** Whether `nonce` solves `sub`. */
export function isSolution(sub: SubChallenge, nonce: number): boolean {
  return createHash('sha256').update(`${sub.salt}${nonce}`).digest('hex').startsWith(sub.target);
}

/** The smallest nonce in `[from, from + count)` solving `sub`, or null when none does. */
export function searchNonce(sub: SubChallenge, from: number, count: number): number | null {
  const end = from + count;
  for (let nonce = from; nonce < end; nonce++) {
    if (isSolution(sub, nonce)) return nonce;
  }
  return null;
}

/** Solve every sub-challenge with the smallest nonce, synchronously (for the worker thread). */
export function solveChallenge(challenge: CaptchaChallenge): number[] {
  return deriveSubChallenges(challenge).map((sub) => {
    for (let from = 0; ; from += 65_536) {
      const nonce = searchNonce(sub, from, 65_536);
      if (nonce !== null) return nonce;
    }
  });
}

/**
 * go-cap / Cap.js pseudo-random hex generator (docs/captcha-pow.md §2): FNV-1a-32 over the seed's
 * UTF-8 bytes, then xorshift32 steps, each emitting 8 zero-padded lowercase hex digits.
 */
export function prng(seed: string, length: number): string {
  let state = fnv1a32(seed);
  let out = '';
  while (out.length < length) {
    state = xorshift32(state);
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

/** One xorshift32 step (13, 17, 5) on an unsigned 32-bit state; logical shifts, mod 2³². */
export function xorshift32(value: number): number {
  let x = value >>> 0;
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  x = (x ^ (x << 5)) >>> 0;
  return x;
}
