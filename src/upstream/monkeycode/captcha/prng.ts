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
