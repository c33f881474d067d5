/**
 * Latencies in logarithmic buckets, four per doubling (each bucket ~19 % wide), from 1 ms to about
 * 18 minutes: a quantile read from it is within one bucket of the true value, at a fixed 84 counters.
 */
const PER_DOUBLING = 4;
const BUCKETS = 21 * PER_DOUBLING;

/** The bucket of a latency in ms: bucket i holds values up to 2^(i/4) ms. */
export function latencyBucket(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms) * PER_DOUBLING));
}

/** The upper bound (ms) of bucket `i`. */
const bucketUpperMs = (i: number): number => 2 ** (i / PER_DOUBLING);

export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;

  observe(ms: number): void {
    this.#counts[latencyBucket(ms)]! += 1;
    this.#count += 1;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  /**
   * The `q`-quantile (0 < q ≤ 1) in ms: the upper bound of the bucket holding it, never more than
   * the largest value seen; null when empty.
   */
  quantile(q: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperMs(i), this.#max);
    }
    return this.#max;
  }
}
