import type { CancelTimer, Clock, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';

/** What the idle slots need from the pool. */
export interface IdleSlotsDeps {
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Count one more busy slot on the account (a task being stopped still holds it upstream). */
  hold: (accountId: number) => void;
  /** Give that slot back (and serve waiters). */
  free: (accountId: number) => void;
  /** The task is stopped: it is no longer ours to protect from stray-stopping. */
  forgetTask: (taskRowId: number) => void;
}

/**
 * The slots idle tasks hold. An idle task is parked with a TTL; it leaves by being claimed for its
 * next turn (`tasks.take`), or evicted: stopped upstream, its slot counted busy until the stop is
 * done (docs/monkeycode-protocol.md §5.6: a finished turn holds the slot until the task is stopped), then freed.
 */
export class IdleSlots {
  readonly tasks = new IdleTasks();
  readonly #deps: IdleSlotsDeps;

  constructor(deps: IdleSlotsDeps) {
    this.#deps = deps;
  }

  /** Keep a task idle on `accountId` until claimed, evicted, or `ttlMs` passes. */
  park(accountId: number, request: ParkRequest): IdleTask {
    const cancelTtl = this.#deps.timers.setTimeout(() => {
      const task = this.tasks.get(request.taskRowId);
      if (task !== null) this.evict(task);
    }, request.ttlMs);
    const task: IdleTask = { ...request, accountId, since: this.#deps.clock.now(), cancelTtl };
    this.tasks.add(task);
    return task;
  }

  /** Stop an idle task (false when it was no longer idle); `onStopped` runs before its slot is freed. */
  evict(task: IdleTask, onStopped?: () => void): boolean {
    if (this.tasks.take(task.taskRowId) === null) return false;
    this.#deps.hold(task.accountId);
    this.#deps.logger.debug(
      { accountId: task.accountId, taskRow: task.taskRowId, warm: task.warm },
      'stopping an idle task',
    );
    const done = (): void => {
      onStopped?.();
      this.#deps.forgetTask(task.taskRowId);
      this.#deps.free(task.accountId);
    };
    void task.stop().then(done, done);
    return true;
  }

  /** Evict every idle task whose account can no longer serve. */
  sweep(usable: (accountId: number) => boolean): void {
    for (const task of this.tasks.all()) if (!usable(task.accountId)) this.evict(task);
  }

  /** Warm idle tasks running `model`. */
  warmCount(model: string): number {
    let count = 0;
    for (const task of this.tasks.all()) if (task.warm && task.model === model) count += 1;
    return count;
  }

  /** Stop the TTL timers (shutdown: the reaper stops the tasks, which stay recorded `idle`). */
  cancelTimers(): void {
    for (const task of this.tasks.all()) task.cancelTtl();
  }
}

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
