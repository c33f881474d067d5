import {
  isUpstreamFailure,
  UpstreamFailure,
  UpstreamTimeoutFailure,
  type AnyUpstreamFailure,
} from '../errors.js';
import { abortReason, delay } from '../../util/timing.js';
import type { UpstreamEvent } from '../types.js';
import type { MonkeyCodeDeps } from './options.js';
import type { ResumeCursor } from './resume-cursor.js';
import type { TaskSocket } from './task-socket.js';
import type { MonkeyCodeTask } from './tasks.js';
import { readTurn, type TurnEnd } from './turn-stream.js';
import { assertAlive } from './wait-for-task.js';

/** Failures a further attempt may get past (the next dial, the next status read). */
const TRANSIENT = new Set(['network', 'timeout', 'unavailable']);

/** How one turn is read across sockets. */
export interface ResumeOptions {
  taskId: string;
  /** Reattaches allowed for this turn (0: never). */
  maxReattaches: number;
  turnTimeoutMs: number;
  /**
   * Whether the first socket was `mode=new`: then the turn may only be reattached once it was seen
   * upstream (echo or later frame) — before that, `attach` would replay the previous turn, and the
   * input must not be sent again either (docs/monkeycode-protocol.md §5.7: no idempotency key).
   */
  sentInput: boolean;
  signal?: AbortSignal;
  /** `GET /tasks/{id}` (docs/monkeycode-protocol.md §4.2). */
  readTask: (signal?: AbortSignal) => Promise<MonkeyCodeTask>;
  /** Open a `mode=attach` socket whose turn timer has `turnTimeoutMs` left. */
  attach: (turnTimeoutMs: number) => Promise<TaskSocket>;
}

type Deps = Pick<MonkeyCodeDeps, 'clock' | 'timers' | 'logger' | 'socketIdleTimeoutMs' | 'reattachBackoffMs'>;

/**
 * Read one turn to its end, reattaching when its socket ends without `task-ended` (closed, reset,
 * silent past the ping watchdog) while the task still runs: status read first (`processing`, VM
 * neither failed nor asleep), then `mode=attach` after the official backoff (docs/monkeycode-protocol.md §5.7); the replay is
 * deduplicated by `cursor`, so the events yielded read as one uninterrupted turn. Each reattach
 * yields `stream-reattached`. Bounded by `maxReattaches` and by the turn timeout, counted from the
 * last progress. Closes every socket it reads, `first` included.
 */
export async function* readTurnResuming(
  deps: Deps,
  first: TaskSocket,
  cursor: ResumeCursor,
  options: ResumeOptions,
): AsyncGenerator<UpstreamEvent, TurnEnd, void> {
  let socket: TaskSocket | null = first;
  let reattaches = 0;
  const streamContext = {
    taskId: options.taskId,
    logger: deps.logger,
    socketIdleTimeoutMs: deps.socketIdleTimeoutMs,
    signal: options.signal,
    now: () => deps.clock.now(),
  };
  for (;;) {
    let end: TurnEnd;
    try {
      cursor.beginSocket();
      end = yield* readTurn(socket, { ...streamContext, turnTimeoutMs: options.turnTimeoutMs, cursor });
    } finally {
      socket.close();
    }
    if (end.ok || !end.resumable) return end;
    if (options.sentInput && !cursor.acknowledged) return end;
    socket = null;
    let failure: AnyUpstreamFailure = end.error;
    while (socket === null) {
      if (reattaches >= options.maxReattaches) return lost(failure);
      const left = options.turnTimeoutMs - (deps.clock.now() - cursor.progressAt);
      if (left <= 0)
        return lost(new UpstreamTimeoutFailure(`agent sent nothing for ${options.turnTimeoutMs} ms`));
      const backoff = deps.reattachBackoffMs;
      await delay(
        deps.timers,
        Math.min(backoff[Math.min(reattaches, backoff.length - 1)] ?? 0, left),
        options.signal,
      );
      reattaches++;
      try {
        await assertRunning(options);
        socket = await options.attach(left);
      } catch (err) {
        if (options.signal?.aborted) throw abortReason(options.signal);
        if (!isUpstreamFailure(err)) throw err;
        if (!TRANSIENT.has(err.kind)) return lost(err);
        failure = err;
      }
    }
    deps.logger.info(
      { taskId: options.taskId, attempt: reattaches, after: failure.message },
      'task stream reattached',
    );
    yield { type: 'stream-reattached', taskId: options.taskId, attempt: reattaches };
  }
}

/** A turn can be read on: the task runs and its VM is up (docs/monkeycode-protocol.md §4.2; a hibernated VM lost its turn). */
async function assertRunning(options: ResumeOptions): Promise<void> {
  const task = await options.readTask(options.signal);
  assertAlive(task);
  if (task.status !== 'processing')
    throw new UpstreamFailure('task-failed', `task is ${task.status} after its stream ended`);
  if (task.vmStatus === 'hibernated')
    throw new UpstreamFailure('task-failed', 'task sandbox went to sleep during the turn');
}

function lost(error: AnyUpstreamFailure): TurnEnd {
  return { ok: false, error, resumable: false };
}
