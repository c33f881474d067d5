import { toRelayError, type RelayError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** What a stream producer yields: a marker that headers may go out, or one event to send. */
export type SseFrame = { kind: 'open' } | { kind: 'data'; data: unknown; event?: string };

export interface SseOptions {
  /** Comment sent after this much silence, so idle timeouts don't cut a booting stream. */
  keepAliveMs: number;
  /** Written after the last frame (`[DONE]` for chat completions); null for none. */
  terminator: string | null;
  /** Builds the error event written when the stream fails after headers went out. */
  errorFrame?: (error: RelayError) => SseFrame & { kind: 'data' };
  logger: Logger;
  /** The client request's signal: when it aborts, the producer is stopped (`return()`). */
  signal: AbortSignal;
}

const encoder = new TextEncoder();
const KEEP_ALIVE = ': keep-alive\n\n';

function frameText(frame: SseFrame & { kind: 'data' }): string {
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
  return frame.event ? `event: ${frame.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

function defaultErrorFrame(error: RelayError): SseFrame & { kind: 'data' } {
  return { kind: 'data', data: error.toBody() };
}

/** The stream's state, shared by the pump, the flush, the keep-alive timer and cancellation. */
interface Output {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Frame text waiting for the next flush. */
  pending: string[];
  flushScheduled: boolean;
  lastOutputAt: number;
  keepAlive: NodeJS.Timeout | undefined;
  /** Wakes the pump when the consumer wants more (backpressure). */
  wake: (() => void) | null;
  finished: boolean;
  closed: boolean;
}

// Frames that arrive together (an upstream burst, one WebSocket read) are written as one chunk at
// the end of the event-loop turn: one socket write instead of one per frame.
function flush(out: Output): void {
  out.flushScheduled = false;
  if (out.closed || out.pending.length === 0) return;
  out.controller.enqueue(encoder.encode(out.pending.join('')));
  out.pending.length = 0;
  out.lastOutputAt = Date.now();
}

function write(out: Output, text: string): void {
  out.pending.push(text);
  if (out.flushScheduled) return;
  out.flushScheduled = true;
  setImmediate(flush, out);
}

function close(out: Output): void {
  out.finished = true;
  clearTimeout(out.keepAlive);
  flush(out);
  if (out.closed) return;
  out.closed = true;
  try {
    out.controller.close();
  } catch {
    // Already cancelled by the consumer; nothing left to deliver.
  }
}

// One timer per stream, re-armed only when it fires (not one per frame).
function armKeepAlive(out: Output, keepAliveMs: number, delayMs: number): void {
  out.keepAlive = setTimeout(() => {
    if (out.finished) return;
    const idle = Date.now() - out.lastOutputAt;
    if (idle >= keepAliveMs) {
      write(out, KEEP_ALIVE);
      armKeepAlive(out, keepAliveMs, keepAliveMs);
    } else {
      armKeepAlive(out, keepAliveMs, keepAliveMs - idle);
    }
  }, delayMs);
}

/**
 * The one writer of `text/event-stream` responses (style.md "Streaming").
 *
 * The first frame is awaited before any header is sent: if the producer fails by then, this
 * rejects and the caller's error handler answers with a proper HTTP status. After that, frames
 * are written as they come (frames ready at the same moment share one write), keep-alive comments
 * fill silences, a failure becomes one JSON error frame in OpenAI's shape (and no terminator), and
 * a client abort stops the producer.
 */
export async function respondWithSse(source: AsyncIterable<SseFrame>, options: SseOptions): Promise<Response> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const errorFrame = options.errorFrame ?? defaultErrorFrame;
  let out: Output | null = null;

  const stop = (): void => {
    if (out === null || out.finished) return;
    out.finished = true;
    clearTimeout(out.keepAlive);
    out.wake?.();
    void iterator.return?.().catch((err: unknown) => options.logger.debug({ err }, 'stream producer failed while stopping'));
  };
  const onAbort = (): void => stop();
  options.signal.addEventListener('abort', onAbort, { once: true });

  const pump = async (o: Output): Promise<void> => {
    try {
      for (;;) {
        const room = o.controller.desiredSize;
        if (room !== null && room <= 0) await new Promise<void>((resolve) => (o.wake = resolve));
        o.wake = null;
        if (o.finished) return close(o);
        const result = await iterator.next();
        if (o.finished) return close(o);
        if (result.done) {
          if (options.terminator !== null) write(o, frameText({ kind: 'data', data: options.terminator }));
          return close(o);
        }
        if (result.value.kind === 'data') write(o, frameText(result.value));
      }
    } catch (err) {
      if (o.finished || options.signal.aborted) return close(o);
      const error = toRelayError(err);
      if (error.status >= 500) options.logger.warn({ err: error.cause ?? error, code: error.code }, 'stream failed after headers');
      write(o, frameText(errorFrame(error)));
      close(o);
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const o: Output = { controller, pending: [], flushScheduled: false, lastOutputAt: Date.now(), keepAlive: undefined, wake: null, finished: false, closed: false };
      out = o;
      if (first.done) {
        if (options.terminator !== null) write(o, frameText({ kind: 'data', data: options.terminator }));
        options.signal.removeEventListener('abort', onAbort);
        close(o);
        return;
      }
      if (first.value.kind === 'data') write(o, frameText(first.value));
      armKeepAlive(o, options.keepAliveMs, options.keepAliveMs);
      void pump(o);
    },
    pull() {
      out?.wake?.();
    },
    cancel() {
      if (out !== null) out.closed = true;
      stop();
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
