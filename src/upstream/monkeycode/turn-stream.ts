import { QueueOverflowError } from '../async-queue.js';
import { UpstreamFailure, UpstreamTimeoutFailure, type AnyUpstreamFailure } from '../errors.js';
import type { UpstreamLogger } from '../logger.js';
import { abortReason } from '../timing.js';
import type { UpstreamEvent } from '../types.js';
import { interpretFrame } from './frame-actions.js';
import { parseWireFrame } from './frame-decode.js';
import { encodeReplyQuestion } from './frame-encode.js';
import type { SocketSignal, TaskSocket } from './task-socket.js';

/** How a turn's socket ended; `outputChars` counts text + reasoning (for usage estimates). */
export type TurnEnd =
  { ok: true; outputChars: number } | { ok: false; error: AnyUpstreamFailure; outputChars: number };

/** Context of one turn's stream. */
export interface TurnStreamContext {
  taskId: string;
  logger: UpstreamLogger;
  socketIdleTimeoutMs: number;
  turnTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Read one turn from an open task socket: yields `turn-started`, `text`, `reasoning` and
 * `tool-activity`; returns how it ended (never a silent finish: a socket that closes before
 * `task-ended` is a failure). Questions from the agent are declined at once (`cancelled: true`),
 * since the proxy has no human to ask and the agent would otherwise block. Throws only the abort
 * reason when `signal` aborts.
 */
export async function* readTurn(
  socket: TaskSocket,
  ctx: TurnStreamContext,
): AsyncGenerator<UpstreamEvent, TurnEnd, void> {
  let started = false;
  let outputChars = 0;
  const answered = new Set<string>();
  const fail = (error: AnyUpstreamFailure): TurnEnd => ({ ok: false, error, outputChars });
  for (;;) {
    let signal: SocketSignal;
    try {
      signal = await socket.next();
    } catch (err) {
      if (!(err instanceof QueueOverflowError)) throw err;
      return fail(
        new UpstreamFailure('protocol', 'task stream: consumer fell too far behind', { cause: err }),
      );
    }
    if (signal.type === 'aborted' && ctx.signal) throw abortReason(ctx.signal);
    if (signal.type !== 'frame') {
      const error = socketFailure(signal, started, ctx);
      if (error) return fail(error);
      continue;
    }
    const frame = parseWireFrame(signal.raw);
    if (!frame) {
      ctx.logger.debug({ taskId: ctx.taskId }, 'ignoring an undecodable task stream frame');
      continue;
    }
    const action = interpretFrame(frame);
    if (action.type === 'ping' || action.type === 'ignore') continue;
    socket.noteProgress();
    if (action.type === 'ended') return { ok: true, outputChars };
    if (action.type === 'failed') return fail(action.error);
    if (!started) {
      started = true;
      yield { type: 'turn-started', taskId: ctx.taskId };
    }
    if (action.type === 'started') continue;
    for (const event of action.events) {
      if (event.type === 'text' || event.type === 'reasoning') outputChars += event.text.length;
      yield event;
    }
    if (action.questionId !== null && !answered.has(action.questionId)) {
      answered.add(action.questionId);
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
