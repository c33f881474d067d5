import { isUpstreamFailure, UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import { abortReason, createDeadline, delay, type Timers } from '../timing.js';
import type { MonkeyCodeTask } from './task-schema.js';

/** How to poll. */
export interface WaitOptions {
  timers: Timers;
  /** Give up (kind `timeout`) after this long. */
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  /** Consecutive transient read failures tolerated before giving up (default 3). */
  maxTransientFailures?: number;
}

const TRANSIENT = new Set(['network', 'timeout', 'unavailable']);

/**
 * Poll a task until it satisfies `isReady` (§5.6: official clients poll every 2 s while
 * `pending`). `error` and `finished` status, or a failed VM, end the wait with `task-failed`.
 */
export async function waitForTask(
  readTask: (signal: AbortSignal) => Promise<MonkeyCodeTask>,
  isReady: (task: MonkeyCodeTask) => boolean,
  what: string,
  options: WaitOptions,
): Promise<MonkeyCodeTask> {
  const deadline = createDeadline(options.timers, options.timeoutMs, options.signal);
  const maxTransient = options.maxTransientFailures ?? 3;
  let transientFailures = 0;
  try {
    for (;;) {
      try {
        const task = await readTask(deadline.signal);
        transientFailures = 0;
        if (isReady(task)) return task;
        assertAlive(task);
      } catch (err) {
        if (deadline.signal.aborted || !isUpstreamFailure(err) || !TRANSIENT.has(err.kind)) throw err;
        if (++transientFailures > maxTransient) throw err;
      }
      await delay(options.timers, options.intervalMs, deadline.signal);
    }
  } catch (err) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (deadline.expired)
      throw new UpstreamTimeoutFailure(`${what}: not ready after ${options.timeoutMs} ms`);
    throw err;
  } finally {
    deadline.dispose();
  }
}

/** Throw `task-failed` when the task can no longer run a turn (§4.2 statuses, §5.6). */
export function assertAlive(task: MonkeyCodeTask): void {
  if (task.status === 'error' || task.status === 'finished') {
    throw new UpstreamFailure('task-failed', `task is ${task.status}`);
  }
  if (task.vmFailed) throw new UpstreamFailure('task-failed', 'task sandbox failed to start');
}

/** §5.6: the first turn starts once the task is `processing`. */
export function isProcessing(task: MonkeyCodeTask): boolean {
  return task.status === 'processing';
}
