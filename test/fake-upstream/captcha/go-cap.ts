import { createHash } from 'node:crypto';
import { prng } from './prng.js';

/** Challenge parameters `{c, s, d}`. */
export interface ChallengeParams {
  c: number;
  s: number;
  d: number;
}

/** Salt and target of sub-challenge `i` (1-based), per docs/captcha-pow.md §3. */
export function subChallenge(
  token: string,
  i: number,
  params: ChallengeParams,
): { salt: string; target: string } {
  return { salt: prng(`${token}${i}`, params.s), target: prng(`${token}${i}d`, params.d) };
}

/** True when `sha256hex(salt + nonce)` starts with `target`. */
export function nonceSolves(salt: string, target: string, nonce: number): boolean {
  return createHash('sha256').update(`${salt}${nonce}`, 'utf8').digest('hex').startsWith(target);
}

/** Verifies the first `c` solutions (extra entries are ignored, like go-cap). */
export function verifySolutions(
  token: string,
  solutions: readonly number[],
  params: ChallengeParams,
): boolean {
  if (solutions.length < params.c) return false;
  for (let i = 1; i <= params.c; i++) {
    const nonce = solutions[i - 1];
    if (nonce === undefined) return false;
    const { salt, target } = subChallenge(token, i, params);
    if (!nonceSolves(salt, target, nonce)) return false;
  }
  return true;
}
