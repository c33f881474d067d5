import { createHash } from 'node:crypto';

/**
 * The go-cap proof-of-work solver of the spec client, written from docs/captcha-pow.md §2–§3
 * (independent of the fake's verifier).
 */

/** FNV-1a seeded xorshift32 hex stream, first `n` characters. */
export function capPrng(seed: string, n: number): string {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(seed)) {
    h ^= b;
    h = Number((BigInt(h) * 16777619n) & 0xffffffffn);
  }
  let hex = '';
  while (hex.length < n) {
    h = (h ^ (h << 13)) >>> 0;
    h = (h ^ (h >>> 17)) >>> 0;
    h = (h ^ (h << 5)) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return hex.substring(0, n);
}

/** Smallest nonce whose `sha256(salt + nonce)` hex starts with `target`. */
export function solveOne(salt: string, target: string): number {
  for (let nonce = 0; ; nonce++) {
    const hex = createHash('sha256')
      .update(salt + String(nonce))
      .digest('hex');
    if (hex.startsWith(target)) return nonce;
  }
}

/** Solves a whole challenge `{c, s, d}` for `token`. */
export function solveChallenge(token: string, challenge: { c: number; s: number; d: number }): number[] {
  const out: number[] = [];
  for (let i = 1; i <= challenge.c; i++) {
    out.push(
      solveOne(capPrng(token + String(i), challenge.s), capPrng(token + String(i) + 'd', challenge.d)),
    );
  }
  return out;
}
