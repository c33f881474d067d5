import { isUpstreamFailure, UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import { abortReason, type Clock, createDeadline, delay, type Timers } from '../../util/timing.js';
import type { PollPlan } from './boot-schedule.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { MonkeyCodeDeps } from './options.js';
import type { SessionJar } from './session-jar.js';
import { TaskSocket } from './task-socket.js';
import { getTask, type MonkeyCodeTask } from './tasks.js';

/** How to poll. */
export interface WaitOptions {
  timers: Timers;
  clock: Clock;
  /** Give up (kind `timeout`) after this long. */
  timeoutMs: number;
  /** When to read (boot-schedule.ts); told what every read saw. */
  plan: PollPlan;
  signal?: AbortSignal;
  /** Consecutive transient read failures tolerated before giving up (default 3). */
  maxTransientFailures?: number;
  /** Asked before each read: true when nobody waits for the answer any more (see `runNewTaskTurn`). */
  abandoned?: () => boolean;
}

const TRANSIENT = new Set(['network', 'timeout', 'unavailable']);

/**
 * Poll a task until it satisfies `isReady`, reading when `options.plan` says (docs/monkeycode-protocol.md §5.6: the official
 * clients poll every 2 s while `pending`; nothing else announces readiness). `error` and
 * `finished` status, or a failed VM, end the wait with `task-failed`.
 */
export async function waitForTask(
  readTask: (signal: AbortSignal) => Promise<MonkeyCodeTask>,
  isReady: (task: MonkeyCodeTask) => boolean,
  what: string,
  options: WaitOptions,
): Promise<MonkeyCodeTask> {
  const deadline = createDeadline(options.timers, options.timeoutMs, options.signal);
  const maxTransient = options.maxTransientFailures ?? 3;
  const { clock, plan } = options;
  let transientFailures = 0;
  try {
    for (;;) {
      const wait = plan.delayMs(clock.now());
      // No timer for a read due now: a task ready at once costs no event-loop turn.
      if (wait > 0) await delay(options.timers, wait, deadline.signal);
      if (options.abandoned?.()) throw new UpstreamFailure('unknown', `${what}: wait abandoned`);
      const startedAt = clock.now();
      try {
        const task = await readTask(deadline.signal);
        transientFailures = 0;
        if (isReady(task)) {
          plan.ready(startedAt);
          return task;
        }
        assertAlive(task);
      } catch (err) {
        if (deadline.signal.aborted || !isUpstreamFailure(err) || !TRANSIENT.has(err.kind)) throw err;
        if (++transientFailures > maxTransient) throw err;
      }
      plan.notReady(startedAt);
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

/** Throw `task-failed` when the task can no longer run a turn (docs/monkeycode-protocol.md §4.2 statuses, docs/monkeycode-protocol.md §5.6). */
export function assertAlive(task: MonkeyCodeTask): void {
  if (task.status === 'error' || task.status === 'finished') {
    throw new UpstreamFailure('task-failed', `task is ${task.status}`);
  }
  if (task.vmFailed) throw new UpstreamFailure('task-failed', 'task sandbox failed to start');
}

/** docs/monkeycode-protocol.md §5.6: the first turn starts once the task is `processing`. */
export function isProcessing(task: MonkeyCodeTask): boolean {
  return task.status === 'processing';
}

/**
 * docs/monkeycode-protocol.md §5.6/§5.9: a hibernated VM resumes when the task's control socket is connected; hold it open
 * while polling until the VM is `online`, then close it.
 */
export async function wakeTask(
  deps: MonkeyCodeDeps,
  http: MonkeyCodeHttp,
  jar: SessionJar,
  taskId: string,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<MonkeyCodeTask> {
  deps.logger.info({ taskId }, 'waking a hibernated task');
  const control = await TaskSocket.connect(deps, jar, {
    path: '/api/v1/users/tasks/control',
    query: { id: taskId },
    signal: options.signal,
    turnTimeoutMs: null,
  });
  try {
    return await waitForTask(
      (signal) => getTask(http, jar, taskId, { signal }),
      (task) => isProcessing(task) && task.vmStatus === 'online',
      'wake task',
      {
        timers: deps.timers,
        timeoutMs: options.timeoutMs,
        clock: deps.clock,
        plan: deps.bootSchedule.backoff(deps.clock.now()),
        signal: options.signal,
      },
    );
  } finally {
    control.close();
  }
}
