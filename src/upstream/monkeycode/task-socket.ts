import { BoundedQueue } from '../../util/async-queue.js';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import { IdleTimer } from '../../util/idle-timer.js';
import { abortReason, type CancelTimer } from '../../util/timing.js';
import { apiUrl, type MonkeyCodeDeps, type Query } from './options.js';
import type { SessionJar } from './session-jar.js';
import { SOCKET_CLOSING, SOCKET_OPEN, type WebSocketLike } from './web-socket.js';

/** Everything that can happen to a task socket, in arrival order, through one bounded queue. */
export type SocketSignal =
  | { type: 'open' }
  | { type: 'frame'; raw: string }
  | { type: 'closed'; code: number; reason: string }
  | { type: 'socket-error' }
  | { type: 'connect-timeout' }
  /** No frame at all (not even a ping) for `socketIdleTimeoutMs`: the socket is dead (docs/monkeycode-protocol.md §5.7). */
  | { type: 'watchdog' }
  /** No progress (`noteProgress`) for `turnTimeoutMs`. */
  | { type: 'turn-timeout' }
  | { type: 'aborted' };

/** Where to connect and how to watch the connection. */
export interface SocketTarget {
  /** e.g. `/api/v1/users/tasks/stream`. */
  path: string;
  query: Query;
  signal?: AbortSignal;
  /** Null: no turn timer (control sockets). */
  turnTimeoutMs: number | null;
}

type Deps = Pick<
  MonkeyCodeDeps,
  | 'baseUrl'
  | 'webSocket'
  | 'clock'
  | 'timers'
  | 'logger'
  | 'connectTimeoutMs'
  | 'socketIdleTimeoutMs'
  | 'maxQueuedFrames'
>;

/**
 * One WebSocket to MonkeyCode with the session cookie on the handshake. Socket events, timers and
 * the caller's abort all arrive through `next()`; `close()` is idempotent and always safe.
 */
export class TaskSocket {
  readonly #deps: Deps;
  readonly #ws: WebSocketLike;
  readonly #queue: BoundedQueue<SocketSignal>;
  readonly #signal: AbortSignal | undefined;
  #watchdog: IdleTimer | null = null;
  #turnTimer: IdleTimer | null = null;
  #closed = false;

  private constructor(deps: Deps, ws: WebSocketLike, signal: AbortSignal | undefined) {
    this.#deps = deps;
    this.#ws = ws;
    this.#signal = signal;
    this.#queue = new BoundedQueue(deps.maxQueuedFrames);
    ws.addEventListener('open', this.#onOpen);
    ws.addEventListener('message', this.#onMessage);
    ws.addEventListener('close', this.#onClose);
    ws.addEventListener('error', this.#onError);
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /**
   * Open the socket and wait for the handshake. Rejects with the abort reason, a
   * `UpstreamTimeoutFailure`, or `UpstreamFailure('network')` (a WebSocket API cannot see the
   * handshake's HTTP status; callers may probe the REST API to explain it).
   */
  static async connect(deps: Deps, jar: SessionJar, target: SocketTarget): Promise<TaskSocket> {
    if (target.signal?.aborted) throw abortReason(target.signal);
    const url = apiUrl(deps, target.path, target.query);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const cookie = await jar.cookieHeader(url);
    let ws: WebSocketLike;
    try {
      ws = deps.webSocket(url.href, { headers: cookie ? { cookie } : {} });
    } catch (err) {
      throw new UpstreamFailure('network', 'task stream: could not open the socket', { cause: err });
    }
    const socket = new TaskSocket(deps, ws, target.signal);
    try {
      await socket.#awaitOpen();
    } catch (err) {
      socket.close();
      throw err;
    }
    socket.#watch(target.turnTimeoutMs);
    return socket;
  }

  /** The next signal. Rejects with `QueueOverflowError` when the consumer fell too far behind. */
  async next(): Promise<SocketSignal> {
    const item = await this.#queue.next();
    return item.done ? { type: 'closed', code: 1006, reason: 'socket released' } : item.value;
  }

  /** Send a text frame; false when the socket is not open. */
  send(frame: string): boolean {
    if (this.#closed || this.#ws.readyState !== SOCKET_OPEN) return false;
    try {
      this.#ws.send(frame);
      return true;
    } catch {
      return false;
    }
  }

  /** The agent made progress: restart the turn timer. */
  noteProgress(): void {
    this.#turnTimer?.touch();
  }

  /** Close with 1000 (the client closes after `task-ended`, docs/monkeycode-protocol.md §5.5) and release everything. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchdog?.stop();
    this.#turnTimer?.stop();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#ws.removeEventListener('open', this.#onOpen);
    this.#ws.removeEventListener('message', this.#onMessage);
    this.#ws.removeEventListener('close', this.#onClose);
    try {
      if (this.#ws.readyState < SOCKET_CLOSING) this.#ws.close(1000, 'done');
    } catch {
      // Already failing; nothing else to release.
    }
    this.#queue.close();
  }

  async #awaitOpen(): Promise<void> {
    const { timers, connectTimeoutMs } = this.#deps;
    const cancel: CancelTimer = timers.setTimeout(
      () => this.#queue.push({ type: 'connect-timeout' }),
      connectTimeoutMs,
    );
    try {
      const signal = await this.next();
      if (signal.type === 'open') return;
      if (signal.type === 'aborted' && this.#signal) throw abortReason(this.#signal);
      if (signal.type === 'connect-timeout') {
        throw new UpstreamTimeoutFailure(`task stream: handshake timed out after ${connectTimeoutMs} ms`);
      }
      throw new UpstreamFailure('network', 'task stream: handshake failed');
    } finally {
      cancel();
    }
  }

  #watch(turnTimeoutMs: number | null): void {
    const { timers, clock, socketIdleTimeoutMs } = this.#deps;
    this.#watchdog = new IdleTimer(timers, clock, socketIdleTimeoutMs, () =>
      this.#queue.push({ type: 'watchdog' }),
    );
    if (turnTimeoutMs !== null) {
      this.#turnTimer = new IdleTimer(timers, clock, turnTimeoutMs, () =>
        this.#queue.push({ type: 'turn-timeout' }),
      );
    }
  }

  readonly #onOpen = (): void => {
    this.#queue.push({ type: 'open' });
  };

  readonly #onMessage = (event: unknown): void => {
    this.#watchdog?.touch();
    const raw = textOf(Reflect.get(asObject(event), 'data'));
    if (raw === null) this.#deps.logger.debug({}, 'ignoring a non-text task stream frame');
    else this.#queue.push({ type: 'frame', raw });
  };

  readonly #onClose = (event: unknown): void => {
    const code: unknown = Reflect.get(asObject(event), 'code');
    const reason: unknown = Reflect.get(asObject(event), 'reason');
    this.#queue.push({
      type: 'closed',
      code: typeof code === 'number' ? code : 1006,
      reason: typeof reason === 'string' ? reason : '',
    });
  };

  // Never detached: an EventEmitter-backed socket would throw on an unheard late 'error'.
  readonly #onError = (): void => {
    this.#queue.push({ type: 'socket-error' });
  };

  readonly #onAbort = (): void => {
    this.#queue.push({ type: 'aborted' });
  };
}

function asObject(value: unknown): object {
  return typeof value === 'object' && value !== null ? value : {};
}

function textOf(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data))
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return null;
}
