/**
 * The pool's slots in memory: how many each account has busy (serving a request, or a task being
 * stopped), and which account was leased last and in what order (for the selection strategies).
 */
export class SlotLedger {
  readonly #busy = new Map<number, number>();
  readonly #lastLeased = new Map<number, number>();
  #seq = 0;
  #previous: number | null = null;

  /** Busy slots per account id. */
  get busy(): ReadonlyMap<number, number> {
    return this.#busy;
  }

  /** The account of the latest lease, if any. */
  get previous(): number | null {
    return this.#previous;
  }

  /** Order of the account's latest lease (0: never leased). */
  lastLeased(accountId: number): number {
    return this.#lastLeased.get(accountId) ?? 0;
  }

  /** Count one more busy slot. */
  take(accountId: number): void {
    this.#busy.set(accountId, (this.#busy.get(accountId) ?? 0) + 1);
  }

  /** Take a slot for a new lease, remembered for the strategies. */
  lease(accountId: number): void {
    this.take(accountId);
    this.#lastLeased.set(accountId, ++this.#seq);
    this.#previous = accountId;
  }

  /** Give one slot back. */
  release(accountId: number): void {
    const left = (this.#busy.get(accountId) ?? 1) - 1;
    if (left > 0) this.#busy.set(accountId, left);
    else this.#busy.delete(accountId);
  }
}
