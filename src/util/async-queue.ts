/** Thrown to the consumer when a producer pushed more items than the queue holds. */
export class QueueOverflowError extends Error {
  constructor(capacity: number) {
    super(`queue overflow: consumer fell more than ${capacity} items behind`);
    this.name = 'QueueOverflowError';
  }
}

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

/**
 * A small bounded single-consumer async queue for push sources (socket events, timers, abort).
 * Producers `push`; overflowing fails the queue instead of growing without bound, because a push
 * source such as a WebSocket cannot be paused. `close` ends it after the buffered items; `fail`
 * ends it at once with an error.
 */
export class BoundedQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #waiter: Waiter<T> | null = null;
  #closed = false;
  #failure: { error: unknown } | null = null;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
    this.#capacity = capacity;
  }

  /** Number of buffered items. */
  get size(): number {
    return this.#items.length;
  }

  /** Enqueue an item. Returns false when the queue is finished or just overflowed. */
  push(item: T): boolean {
    if (this.#closed || this.#failure) return false;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = null;
      waiter.resolve({ value: item, done: false });
      return true;
    }
    if (this.#items.length >= this.#capacity) {
      this.fail(new QueueOverflowError(this.#capacity));
      return false;
    }
    this.#items.push(item);
    return true;
  }

  /** No more items will come; the consumer sees `done` after draining. */
  close(): void {
    if (this.#closed || this.#failure) return;
    this.#closed = true;
    this.#settleWaiter();
  }

  /** End the queue with an error; buffered items are dropped. */
  fail(error: unknown): void {
    if (this.#closed || this.#failure) return;
    this.#failure = { error };
    this.#items.length = 0;
    this.#settleWaiter();
  }

  /** Next item; `done` after `close`; rejects after `fail`. One pending call at a time. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#waiter) return Promise.reject(new Error('BoundedQueue supports a single consumer'));
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#items.length > 0) {
      const value = this.#items.shift()!;
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = null;
    if (this.#failure) waiter.reject(this.#failure.error);
    else waiter.resolve({ value: undefined, done: true });
  }
}
