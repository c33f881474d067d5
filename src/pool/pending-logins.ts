/** A pending entry with its handle and deadline. */
export interface PendingEntry<T> {
  id: string;
  value: T;
  createdAt: number;
  expiresAt: number;
}

/** Settings of a `PendingLogins` map. */
export interface PendingLoginsOptions {
  now: () => number;
  ttlMs: number;
  /** Most entries kept; adding beyond it drops expired ones, then the oldest. */
  capacity: number;
  newId: () => string;
}

/**
 * Short-lived login state in memory, keyed by a random id: bounded, with a TTL on the injected
 * clock. Expired entries are invisible and dropped on the next access.
 */
export class PendingLogins<T> {
  readonly #entries = new Map<string, PendingEntry<T>>();

  constructor(private readonly options: PendingLoginsOptions) {}

  /** Keep `value`; its entry (id and deadline). */
  add(value: T): PendingEntry<T> {
    this.#sweep();
    while (this.#entries.size >= this.options.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    const createdAt = this.options.now();
    const entry = { id: this.options.newId(), value, createdAt, expiresAt: createdAt + this.options.ttlMs };
    this.#entries.set(entry.id, entry);
    return entry;
  }

  /** The live entry with this id, or null. */
  get(id: string): PendingEntry<T> | null {
    this.#sweep();
    return this.#entries.get(id) ?? null;
  }

  /** The newest live entry whose value matches, or null. */
  findLatest(match: (value: T) => boolean): PendingEntry<T> | null {
    this.#sweep();
    let found: PendingEntry<T> | null = null;
    for (const entry of this.#entries.values()) if (match(entry.value)) found = entry;
    return found;
  }

  /** Forget an entry (done, or spoiled). */
  delete(id: string): void {
    this.#entries.delete(id);
  }

  /** Live entries. */
  get size(): number {
    this.#sweep();
    return this.#entries.size;
  }

  #sweep(): void {
    const now = this.options.now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
  }
}
