import type { CancelTimer } from '../util/timing.js';

/**
 * What a parked task needs besides its slot: how to stop it, and how long it may stay idle.
 * A finished MonkeyCode turn keeps holding the account's concurrency slot until the task is
 * stopped (docs/monkeycode-protocol.md §5.6, §7), so an idle task is counted against its account's slots.
 */
export interface ParkRequest {
  /** Row id of the task in the `tasks` table. */
  taskRowId: number;
  /** Upstream model name the task runs. */
  model: string;
  /** Stop the task upstream; resolves when stopped or given up on, never rejects. */
  stop: () => Promise<void>;
  /** Stop it after this long without a turn. */
  ttlMs: number;
  /** A pre-booted task no conversation owns yet (warm pool). */
  warm: boolean;
}

/** An idle task as the pool keeps it. */
export interface IdleTask extends ParkRequest {
  accountId: number;
  /** When it went idle (ms); the least recently used goes first when a slot is needed. */
  since: number;
  cancelTtl: CancelTimer;
}

/** The idle tasks the pool keeps, by task row id. Insertion order is idle order (oldest first). */
export class IdleTasks {
  readonly #byRow = new Map<number, IdleTask>();
  readonly #perAccount = new Map<number, number>();

  add(task: IdleTask): void {
    this.#byRow.set(task.taskRowId, task);
    this.#perAccount.set(task.accountId, (this.#perAccount.get(task.accountId) ?? 0) + 1);
  }

  get(taskRowId: number): IdleTask | null {
    return this.#byRow.get(taskRowId) ?? null;
  }

  /** Remove and return one idle task (its TTL timer is cancelled). */
  take(taskRowId: number): IdleTask | null {
    const task = this.#byRow.get(taskRowId);
    if (task === undefined) return null;
    this.#byRow.delete(taskRowId);
    task.cancelTtl();
    const left = (this.#perAccount.get(task.accountId) ?? 1) - 1;
    if (left > 0) this.#perAccount.set(task.accountId, left);
    else this.#perAccount.delete(task.accountId);
    return task;
  }

  /** Account id → idle tasks on it. */
  counts(): ReadonlyMap<number, number> {
    return this.#perAccount;
  }

  /** The least recently used idle task matching `accept`, or null. */
  oldest(accept: (task: IdleTask) => boolean): IdleTask | null {
    for (const task of this.#byRow.values()) if (accept(task)) return task;
    return null;
  }

  /** Every idle task, oldest first. */
  all(): IdleTask[] {
    return [...this.#byRow.values()];
  }

  get size(): number {
    return this.#byRow.size;
  }
}
