import type { CancelTimer, Clock, Timers } from './timing.js';

/**
 * Fires `onIdle` once when `touch` has not been called for `ms` milliseconds. Cheap to touch on
 * every frame: one timer is armed at a time and re-armed for the remainder when it wakes early.
 */
export class IdleTimer {
  readonly #timers: Timers;
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onIdle: () => void;
  #last: number;
  #cancel: CancelTimer | null = null;
  #stopped = false;

  constructor(timers: Timers, clock: Clock, ms: number, onIdle: () => void) {
    this.#timers = timers;
    this.#clock = clock;
    this.#ms = ms;
    this.#onIdle = onIdle;
    this.#last = clock.now();
    this.#arm(ms);
  }

  /** Record activity now. */
  touch(): void {
    this.#last = this.#clock.now();
  }

  /** Never fire. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = null;
  }

  #arm(ms: number): void {
    this.#cancel = this.#timers.setTimeout(() => this.#wake(), Math.max(0, ms));
  }

  #wake(): void {
    if (this.#stopped) return;
    const idleFor = this.#clock.now() - this.#last;
    if (idleFor >= this.#ms) {
      this.#stopped = true;
      this.#onIdle();
    } else {
      this.#arm(this.#ms - idleFor);
    }
  }
}
