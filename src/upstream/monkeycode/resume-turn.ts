import {
  type AnyUpstreamFailure,
  isUpstreamFailure,
  UpstreamFailure,
  UpstreamTimeoutFailure,
} from '../errors.js';
import { abortReason, delay } from '../../util/timing.js';
import type { UpstreamEvent } from '../types.js';
import type { MonkeyCodeDeps } from './options.js';
import type { TaskSocket } from './task-socket.js';
import type { MonkeyCodeTask } from './tasks.js';
import { readTurn, type TurnEnd } from './turn-stream.js';
import { assertAlive } from './wait-for-task.js';
import { emptyTally, tallyText, tallyTokens } from '../../util/token-estimate.js';

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

interface Counts {
  text: number;
  reasoning: number;
  tool: number;
}

const zero = (): Counts => ({ text: 0, reasoning: 0, tool: 0 });

/**
 * What one turn has relayed so far, across the sockets it was read from. A socket reattached with
 * `mode=attach` replays the latest turn from its start (docs/monkeycode-protocol.md §5.5 attach, steps 1–5), and replayed
 * chunks "may be coarser (adjacent chunks merged) than live ones", so a frame key (docs/monkeycode-protocol.md §5.7: the web
 * client dedupes on type/kind/seq/timestamp/data) would miss merged chunks. The cursor counts
 * instead: characters of text and of reasoning and the number of tool events relayed; on each
 * socket it counts again from zero and lets through only what lies beyond what was relayed (the
 * tail of a merged chunk that straddles the boundary included).
 */
export class ResumeCursor {
  readonly #relayed: Counts = zero();
  #seen: Counts = zero();
  /** `turn-started` went out (once per turn, whatever the sockets). */
  started = false;
  /** The turn is known to exist upstream: some business frame of it was read. */
  acknowledged = false;
  /** Agent questions already declined (a replay repeats the question). */
  readonly answered = new Set<string>();
  /** When the turn last made progress (ms): the turn timeout counts from here across sockets. */
  progressAt: number;

  constructor(now: number) {
    this.progressAt = now;
  }

  readonly #output = emptyTally();

  /** Estimated tokens of the text and reasoning relayed (when the task reports no stats). */
  get outputTokens(): number {
    return tallyTokens(this.#output);
  }

  /** A new socket starts: its replay is counted from the turn's start again. */
  beginSocket(): void {
    this.#seen = zero();
  }

  /** The part of `event` that was not relayed yet, or null when all of it was. */
  admit(event: UpstreamEvent): UpstreamEvent | null {
    if (event.type === 'text' || event.type === 'reasoning') {
      const start = this.#seen[event.type];
      const end = start + event.text.length;
      this.#seen[event.type] = end;
      const relayed = this.#relayed[event.type];
      if (end <= relayed) return null;
      this.#relayed[event.type] = end;
      const admitted =
        start >= relayed ? event : { type: event.type, text: event.text.slice(relayed - start) };
      tallyText(this.#output, admitted.text);
      return admitted;
    }
    if (event.type === 'tool-activity') {
      this.#seen.tool += 1;
      if (this.#seen.tool <= this.#relayed.tool) return null;
      this.#relayed.tool = this.#seen.tool;
    }
    return event;
  }
}
