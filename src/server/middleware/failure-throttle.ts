import { NoCapacityError } from '../../util/errors.js';

/** How the brute-force guard behaves. */
export interface ThrottleOptions {
  /** Failures from one address tolerated before it is slowed down. */
  freeFailures: number;
  /** First lock-out after `freeFailures`; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An address's record is forgotten after this long without a failure. */
  forgetAfterMs: number;
  /** At most this many addresses are tracked (the oldest record goes first). */
  maxAddresses: number;
  now: () => number;
}

interface Record {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

/** Defaults: 5 free failures, then 1 s, 2 s, 4 s … up to 5 min; 10 000 addresses at most. */
export const DEFAULT_THROTTLE: Omit<ThrottleOptions, 'now'> = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 300_000,
  forgetAfterMs: 900_000,
  maxAddresses: 10_000,
};

/**
 * Per-address counter of bad credentials (admin tokens, client keys). Past `freeFailures`, an
 * address is locked out for an exponentially growing time: every request from it is answered
 * 429 with `Retry-After` — even one with the right credentials — until the time is up. A success
 * clears the record. Memory is bounded by `maxAddresses`.
 */
export class FailureThrottle {
  readonly #records = new Map<string, Record>();

  constructor(private readonly options: ThrottleOptions) {}

  /** Throw 429 when `address` is locked out right now. */
  check(address: string): void {
    const record = this.#current(address);
    const now = this.options.now();
    if (record === null || record.blockedUntil <= now) return;
    throw new NoCapacityError(
      'too many failed authentication attempts from this address; try again later',
      (record.blockedUntil - now) / 1000,
      {
        code: 'too_many_auth_failures',
      },
    );
  }

  /** Count one failure from `address`. */
  fail(address: string): void {
    const now = this.options.now();
    const record = this.#current(address) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
    record.failures += 1;
    record.lastFailure = now;
    const over = record.failures - this.options.freeFailures;
    if (over > 0)
      record.blockedUntil =
        now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.#records.delete(address); // re-insert: the Map's order is the eviction order
    this.#records.set(address, record);
    while (this.#records.size > this.options.maxAddresses) {
      const oldest = this.#records.keys().next().value;
      if (oldest === undefined) break;
      this.#records.delete(oldest);
    }
  }

  /** Forget `address` after a success. */
  succeed(address: string): void {
    this.#records.delete(address);
  }

  /** How many addresses are tracked (for tests). */
  size(): number {
    return this.#records.size;
  }

  #current(address: string): Record | null {
    const record = this.#records.get(address);
    if (record === undefined) return null;
    const now = this.options.now();
    if (record.blockedUntil <= now && now - record.lastFailure > this.options.forgetAfterMs) {
      this.#records.delete(address);
      return null;
    }
    return record;
  }
}
