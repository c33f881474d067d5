import { QueueOverflowError } from '../../util/async-queue.js';
import { type AnyUpstreamFailure, UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import type { UpstreamLogger } from '../logger.js';
import { abortReason } from '../../util/timing.js';
import type { UpstreamEvent } from '../types.js';
import { interpretFrame } from './frame-actions.js';
import { encodeReplyQuestion, parseWireFrame } from './frame-codec.js';
import type { ResumeCursor } from './resume-turn.js';
import type { SocketSignal, TaskSocket } from './task-socket.js';

/**
 * How a turn's socket ended. `resumable`: the socket ended without `task-ended` in a way that says
 * nothing about the task (closed, reset, silent past the ping watchdog — docs/monkeycode-protocol.md §5.7), so the turn may be
 * read on from a reattached socket.
 */
export type TurnEnd = { ok: true } | { ok: false; error: AnyUpstreamFailure; resumable: boolean };

/** Context of one turn's stream. */
export interface TurnStreamContext {
  taskId: string;
  logger: UpstreamLogger;
  socketIdleTimeoutMs: number;
  turnTimeoutMs: number;
  signal?: AbortSignal;
  /** What the turn relayed so far, across sockets (dedupes a reattached socket's replay). */
  cursor: ResumeCursor;
  now: () => number;
}

const RESUMABLE = new Set<SocketSignal['type']>(['closed', 'socket-error', 'watchdog']);

/**
 * Read one turn from an open task socket: yields `turn-started` (once per turn), `text`,
 * `reasoning` and `tool-activity` not relayed before (see `ResumeCursor`); returns how it ended
 * (never a silent finish: a socket that closes before `task-ended` is a failure). Questions from
 * the agent are declined at once (`cancelled: true`), since the proxy has no human to ask and the
 * agent would otherwise block. Throws only the abort reason when `signal` aborts.
 */
export async function* readTurn(
  socket: TaskSocket,
  ctx: TurnStreamContext,
): AsyncGenerator<UpstreamEvent, TurnEnd, void> {
  const { cursor } = ctx;
  for (;;) {
    let signal: SocketSignal;
    try {
      signal = await socket.next();
    } catch (err) {
      if (!(err instanceof QueueOverflowError)) throw err;
      const error = new UpstreamFailure('protocol', 'task stream: consumer fell too far behind', {
        cause: err,
      });
      return { ok: false, error, resumable: false };
    }
    if (signal.type === 'aborted' && ctx.signal) throw abortReason(ctx.signal);
    if (signal.type !== 'frame') {
      const error = socketFailure(signal, cursor.started, ctx);
      if (error) return { ok: false, error, resumable: RESUMABLE.has(signal.type) };
      continue;
    }
    const frame = parseWireFrame(signal.raw);
    if (!frame) {
      ctx.logger.debug({ taskId: ctx.taskId }, 'ignoring an undecodable task stream frame');
      continue;
    }
    const action = interpretFrame(frame);
    if (action.type === 'ping' || action.type === 'ignore') continue;
    cursor.acknowledged = true;
    if (action.type === 'ended') return { ok: true };
    if (action.type === 'failed') return { ok: false, error: action.error, resumable: false };
    if (!cursor.started) {
      cursor.started = true;
      yield { type: 'turn-started', taskId: ctx.taskId };
    }
    if (action.type === 'started') continue;
    for (const event of action.events) {
      const fresh = cursor.admit(event);
      if (fresh === null) continue;
      // Only new output is progress: a replay must not hold off the turn timeout.
      socket.noteProgress();
      cursor.progressAt = ctx.now();
      yield fresh;
    }
    if (action.questionId !== null && !cursor.answered.has(action.questionId)) {
      cursor.answered.add(action.questionId);
      const sent = socket.send(encodeReplyQuestion(action.questionId, null));
      ctx.logger.info({ taskId: ctx.taskId, sent }, 'declined an agent question');
    }
  }
}

function socketFailure(
  signal: SocketSignal,
  started: boolean,
  ctx: TurnStreamContext,
): AnyUpstreamFailure | null {
  const when = started ? 'before the turn ended' : 'before the turn started';
  switch (signal.type) {
    case 'closed':
      return new UpstreamFailure('network', `task stream closed ${when} (code ${signal.code})`);
    case 'socket-error':
      return new UpstreamFailure('network', `task stream failed ${when}`);
    case 'watchdog':
      return new UpstreamFailure(
        'network',
        `task stream silent for ${ctx.socketIdleTimeoutMs} ms (no pings) ${when}`,
      );
    case 'turn-timeout':
      return new UpstreamTimeoutFailure(`agent sent nothing for ${ctx.turnTimeoutMs} ms`);
    default:
      return null;
  }
}
