import { createHash } from 'node:crypto';
import { z } from 'zod';
import { prng } from './prng.js';

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
