import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import type { RequestSample } from '../load/samples.js';
import { createTask, isRecord, SESSION_COOKIE, stopTask, taskStatus } from './direct-rest.js';
import { openSocket, type WsImpl } from './direct-socket.js';

/** Where and how the direct client talks to the fake. */
export interface DirectTarget {
  pool: Pool;
  /** `ws://127.0.0.1:PORT` */
  wsBase: string;
  imageId: string;
  modelId: string;
  /** Same poll interval as relaypool's `upstream.pollIntervalMs` in the bench. */
  pollIntervalMs: number;
  ws: WsImpl;
  /** Give up on a turn after this long. */
  timeoutMs: number;
}

/** Text of an `agent_message_chunk` inside a `task-running` frame (docs/monkeycode-protocol.md §5.2 base64, docs/monkeycode-protocol.md §6.2), or null. */
function messageText(frame: Record<string, unknown>): string | null {
  if (frame.type !== 'task-running' || typeof frame.data !== 'string') return null;
  const payload: unknown = JSON.parse(Buffer.from(frame.data, 'base64').toString('utf8'));
  const update = isRecord(payload) ? payload.update : undefined;
  if (!isRecord(update) || update.sessionUpdate !== 'agent_message_chunk' || !isRecord(update.content))
    return null;
  return update.content.type === 'text' && typeof update.content.text === 'string'
    ? update.content.text
    : null;
}

/** docs/monkeycode-protocol.md §5.6 watch the auto-started first turn with `mode=attach` until `task-ended`. */
function readTurn(
  target: DirectTarget,
  cookie: string,
  taskId: string,
  started: number,
): Promise<RequestSample> {
  return new Promise((resolve, reject) => {
    let ttfbMs: number | null = null;
    let chunks = 0;
    let chars = 0;
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else
        resolve({
          ttfbMs: ttfbMs ?? performance.now() - started,
          totalMs: performance.now() - started,
          chunks,
          chars,
        });
    };
    const timer = setTimeout(() => finish(new Error('direct: turn timed out')), target.timeoutMs);
    const url = `${target.wsBase}/api/v1/users/tasks/stream?id=${taskId}&mode=attach`;
    const socket = openSocket(target.ws, url, `${SESSION_COOKIE}=${cookie}`, {
      onText(text) {
        const frame: unknown = JSON.parse(text);
        if (!isRecord(frame)) return;
        if (frame.type === 'task-ended') return finish(null);
        if (frame.type === 'error' || frame.type === 'task-error')
          return finish(new Error(`direct: ${frame.type} frame`));
        const piece = messageText(frame);
        if (piece === null) return;
        ttfbMs ??= performance.now() - started;
        chunks += 1;
        chars += piece.length;
      },
      onClose: (code) => finish(new Error(`direct: socket closed (${code}) before task-ended`)),
    });
  });
}

/**
 * The floor: create → poll until `processing` → attach → read until `task-ended` → close → stop
 * (docs/monkeycode-protocol.md §4.1, §4.2, §5.6, §4.4). Timing ends at `task-ended`; the stop is awaited afterwards
 * (it frees the account's only slot for the worker's next turn) but is not part of the latency.
 */
export async function directTurn(
  target: DirectTarget,
  cookie: string,
  prompt: string,
): Promise<RequestSample> {
  const started = performance.now();
  const { pool } = target;
  const taskId = await createTask(pool, cookie, {
    content: prompt,
    imageId: target.imageId,
    modelId: target.modelId,
  });
  try {
    const deadline = started + target.timeoutMs;
    for (;;) {
      const status = await taskStatus(pool, cookie, taskId);
      if (status === 'processing') break;
      if (status !== 'pending' || performance.now() > deadline) throw new Error(`direct: task is ${status}`);
      await sleep(target.pollIntervalMs);
    }
    return await readTurn(target, cookie, taskId, started);
  } finally {
    await stopTask(pool, cookie, taskId);
  }
}
