import { type AnyUpstreamFailure, isUpstreamFailure, toUpstreamFailure, UpstreamFailure } from '../errors.js';
import { abortReason } from '../../util/timing.js';
import { estimateTokens } from '../../util/token-estimate.js';
import type { TokenUsage, TurnOptions, TurnRequest, UpstreamEvent } from '../types.js';
import { encodeUserInput } from './frame-codec.js';
import type { MonkeyCodeHttp } from './http-client.js';
import { fetchImages, selectImage, type SessionImage } from './images.js';
import type { MonkeyCodeDeps } from './options.js';
import type { SessionJar } from './session-jar.js';
import { readTurnResuming, ResumeCursor } from './resume-turn.js';
import { TaskSocket } from './task-socket.js';
import {
  createTask,
  estimateUsage,
  getTask,
  type MonkeyCodeTask,
  type TaskStats,
  usageFromStats,
} from './tasks.js';
import { assertAlive, isProcessing, waitForTask, wakeTask } from './wait-for-task.js';

/** What a turn runs with: resolved options, HTTP client, the account's cookie jar and image. */
export interface TurnContext {
  deps: MonkeyCodeDeps;
  http: MonkeyCodeHttp;
  jar: SessionJar;
  image: SessionImage;
}

type NewTask = Extract<TurnRequest, { kind: 'new-task' }>;
type FollowUp = Extract<TurnRequest, { kind: 'follow-up' }>;
type Terminal = Extract<UpstreamEvent, { type: 'finish' | 'error' }>;

/** An `error` event for anything thrown inside a turn. */
export function errorEvent(err: unknown, taskId: string | null): Terminal {
  const error = toUpstreamFailure(err, 'unknown', 'turn failed unexpectedly');
  return { type: 'error', error, kind: error.kind, retryable: error.retryable, taskId };
}

/**
 * docs/monkeycode-protocol.md §5.6 first turn: create the task with the rendered `content`, poll until `processing`, then
 * watch the auto-started turn with `mode=attach` (docs/monkeycode-protocol.md §9.2 item 3: never resend the prompt).
 */
export async function* runNewTaskTurn(
  ctx: TurnContext,
  request: NewTask,
  options: TurnOptions = {},
): AsyncGenerator<UpstreamEvent, void, void> {
  const { deps, http, jar } = ctx;
  const signal = options.signal;
  let taskId: string | null = null;
  let terminal: Terminal;
  try {
    // Loaded without the caller's signal (concurrent turns of the session share the answer); the
    // caller still stops waiting as soon as it aborts.
    const imageId =
      request.environmentId ??
      (await untilAborted(
        ctx.image.get(() => discoverImageId(ctx)),
        signal,
      ));
    const { content, modelId, systemPrompt } = request;
    const input = { content, modelId, imageId, resource: deps.resource, systemPrompt };
    // Not cut short by the caller's signal: a create call abandoned mid-flight may still create the
    // task upstream, and without its id nobody could stop it (it would hold a slot, docs/monkeycode-protocol.md §5.6). It has its
    // own timeout; once the id is back it is announced, and the caller, seeing the abort, stops it.
    const id = await createTask(http, jar, input).catch((err: unknown) => {
      if (request.environmentId === undefined) ctx.image.forget();
      throw err;
    });
    taskId = id;
    // The boot is timed from the create call's answer (boot-schedule.ts learns from it).
    const plan = deps.bootSchedule.begin(deps.clock.now());
    // The wait starts before `task-created` is handed on, so a status read due at once is on its way
    // while the consumer records the task and sends headers. A consumer that never comes back
    // (it stopped at `task-created`) ends the wait before its next read.
    let handedOn = false;
    let abandoned = false;
    const ready = waitForTask((s) => getTask(http, jar, id, { signal: s }), isProcessing, 'task sandbox', {
      timers: deps.timers,
      clock: deps.clock,
      timeoutMs: options.vmReadyTimeoutMs ?? deps.vmReadyTimeoutMs,
      plan,
      signal,
      abandoned: () => abandoned,
    });
    ready.catch(() => undefined); // awaited below; an abandoned wait's failure goes nowhere
    try {
      yield { type: 'task-created', taskId: id };
      handedOn = true;
    } finally {
      abandoned = !handedOn;
    }
    await ready;
    yield { type: 'task-ready', taskId: id };
    const inputTokens = estimateTokens(request.content, request.systemPrompt ?? null);
    terminal = yield* streamTurn(
      ctx,
      { taskId: id, mode: 'attach', userFrame: null, before: null, inputTokens },
      options,
    );
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    terminal = errorEvent(err, taskId);
  }
  yield terminal;
}

/**
 * docs/monkeycode-protocol.md §5.6 turn N+1: one new socket with `mode=new` and one `user-input` holding only the new text.
 * The text is checked against the 32 KiB frame limit before anything is sent; a hibernated
 * sandbox is woken first.
 */
export async function* runFollowUpTurn(
  ctx: TurnContext,
  request: FollowUp,
  options: TurnOptions = {},
): AsyncGenerator<UpstreamEvent, void, void> {
  const signal = options.signal;
  let terminal: Terminal;
  yield { type: 'task-resumed', taskId: request.taskId };
  try {
    const userFrame = encodeUserInput(request.text);
    const task = await prepareTask(ctx, request.taskId, options);
    const turn = {
      taskId: request.taskId,
      mode: 'new' as const,
      userFrame,
      before: task.stats,
      inputTokens: estimateTokens(request.text),
    };
    terminal = yield* streamTurn(ctx, turn, options);
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    terminal = errorEvent(err, request.taskId);
  }
  yield terminal;
}

interface Turn {
  taskId: string;
  mode: 'new' | 'attach';
  /** The `user-input` frame to send after connecting (mode=new only). */
  userFrame: string | null;
  /** Task stats before the turn, for the usage diff. */
  before: TaskStats | null;
  /** Estimated tokens of the turn's input, for when the task reports no stats. */
  inputTokens: number;
}

async function* streamTurn(
  ctx: TurnContext,
  turn: Turn,
  options: TurnOptions,
): AsyncGenerator<UpstreamEvent, Terminal, void> {
  const { deps, http, jar } = ctx;
  const turnTimeoutMs = options.turnTimeoutMs ?? deps.turnTimeoutMs;
  const socket = await openStream(ctx, turn, turnTimeoutMs, options.signal);
  if (turn.userFrame !== null && !socket.send(turn.userFrame)) {
    socket.close();
    return errorEvent(
      new UpstreamFailure('network', 'task stream: could not send the user input'),
      turn.taskId,
    );
  }
  const cursor = new ResumeCursor(deps.clock.now());
  // docs/monkeycode-protocol.md §5.7: a socket lost mid-turn is reattached with mode=attach, never new (readTurnResuming
  // closes every socket it reads: docs/monkeycode-protocol.md §5.5, the client closes after `task-ended`).
  const end = yield* readTurnResuming(deps, socket, cursor, {
    taskId: turn.taskId,
    maxReattaches: options.maxReattaches ?? deps.maxReattaches,
    turnTimeoutMs,
    sentInput: turn.userFrame !== null,
    signal: options.signal,
    readTask: (signal) => getTask(http, jar, turn.taskId, { signal }),
    attach: (left) => openStream(ctx, { ...turn, mode: 'attach', userFrame: null }, left, options.signal),
  });
  if (!end.ok) return errorEvent(end.error, turn.taskId);
  yield { type: 'answer-complete' };
  yield { type: 'usage', ...(await measureUsage(ctx, turn, cursor.outputTokens, options.signal)) };
  return { type: 'finish', taskId: turn.taskId };
}

async function openStream(
  ctx: TurnContext,
  turn: Turn,
  turnTimeoutMs: number,
  signal?: AbortSignal,
): Promise<TaskSocket> {
  const target = {
    path: '/api/v1/users/tasks/stream',
    query: { id: turn.taskId, mode: turn.mode },
    signal,
    turnTimeoutMs,
  };
  try {
    return await TaskSocket.connect(ctx.deps, ctx.jar, target);
  } catch (err) {
    if (signal?.aborted || !isUpstreamFailure(err) || err.kind !== 'network') throw err;
    throw await explainHandshakeFailure(ctx, turn.taskId, err, signal);
  }
}

// docs/monkeycode-protocol.md §5.1: a refused handshake (401, code 500 for a foreign task) is invisible to a WebSocket API;
// ask the REST API what is wrong with the session or the task.
async function explainHandshakeFailure(
  ctx: TurnContext,
  taskId: string,
  original: AnyUpstreamFailure,
  signal?: AbortSignal,
): Promise<AnyUpstreamFailure> {
  try {
    assertAlive(await getTask(ctx.http, ctx.jar, taskId, { signal }));
    return original;
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    return isUpstreamFailure(err) ? err : original;
  }
}

async function prepareTask(ctx: TurnContext, taskId: string, options: TurnOptions): Promise<MonkeyCodeTask> {
  const { deps, http, jar } = ctx;
  const signal = options.signal;
  const timeoutMs = options.vmReadyTimeoutMs ?? deps.vmReadyTimeoutMs;
  const readAt = deps.clock.now();
  let task = await getTask(http, jar, taskId, { signal });
  assertAlive(task);
  if (!isProcessing(task)) {
    // Still booting (a follow-up right after a new task): back off from this read, learn nothing.
    const plan = deps.bootSchedule.backoff(readAt);
    plan.notReady(readAt);
    const poll = { timers: deps.timers, clock: deps.clock, timeoutMs, plan, signal };
    task = await waitForTask(
      (s) => getTask(http, jar, taskId, { signal: s }),
      isProcessing,
      'task sandbox',
      poll,
    );
  }
  if (task.vmStatus === 'hibernated') task = await wakeTask(deps, http, jar, taskId, { signal, timeoutMs });
  return task;
}

function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function discoverImageId(ctx: TurnContext): Promise<string> {
  const image = selectImage(await fetchImages(ctx.http, ctx.jar));
  if (!image) throw new UpstreamFailure('unknown', 'no sandbox image is available to this account');
  return image.id;
}

async function measureUsage(
  ctx: TurnContext,
  turn: Turn,
  outputTokens: number,
  signal?: AbortSignal,
): Promise<TokenUsage> {
  try {
    const after = await getTask(ctx.http, ctx.jar, turn.taskId, { signal });
    const usage = usageFromStats(turn.before, after.stats);
    if (usage) return usage;
  } catch {
    if (signal?.aborted) throw abortReason(signal);
    ctx.deps.logger.debug({ taskId: turn.taskId }, 'task stats unavailable; estimating usage');
  }
  return estimateUsage(turn.inputTokens, outputTokens);
}
