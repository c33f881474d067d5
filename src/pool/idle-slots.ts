import type { Clock, Timers } from '../util/timing.js';
import type { Logger } from '../util/logger.js';
import { IdleTasks, type IdleTask, type ParkRequest } from './idle-tasks.js';

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
