/**
 * go-cap / Cap.js PRNG (docs/captcha-pow.md §2): FNV-1a 32-bit over the seed's UTF-8 bytes, then
 * xorshift32 steps, each emitting the state as 8 lowercase hex digits.
 */
export function prng(seed: string, length: number): string {
  let state = 0x811c9dc5;
  for (const byte of Buffer.from(seed, 'utf8')) {
    state = Math.imul(state ^ byte, 0x01000193) >>> 0;
  }
  let out = '';
  while (out.length < length) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** FNV-1a state for `seed` (exposed for the worked-example test). */
export function fnv1a(seed: string): number {
  let state = 0x811c9dc5;
  for (const byte of Buffer.from(seed, 'utf8')) state = Math.imul(state ^ byte, 0x01000193) >>> 0;
  return state;
}
