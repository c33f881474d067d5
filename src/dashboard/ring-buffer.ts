/** A fixed-capacity buffer that keeps the newest `capacity` items; older ones are overwritten. */
export class RingBuffer<T> {
  readonly #items: T[] = [];
  #next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  push(item: T): void {
    if (this.#items.length < this.capacity) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The items kept, newest first. */
  newestFirst(): T[] {
    const n = this.#items.length;
    const out: T[] = [];
    for (let i = 1; i <= n; i++) out.push(this.#items[(this.#next - i + n) % n]!);
    return out;
  }

  get size(): number {
    return this.#items.length;
  }
}
