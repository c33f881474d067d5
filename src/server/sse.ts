import { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { toRelayError, type RelayError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/**
 * What a stream producer yields: a marker that headers may go out, one event to send, or a marker
 * that the client has everything (the terminator is written and the response ends at once; the
 * producer is still read to its end, its frames ignored, for its bookkeeping).
 */
export type SseFrame = { kind: 'open' } | { kind: 'data'; data: unknown; event?: string } | { kind: 'end' };

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
  /** The Node response to write to directly (see `nodeResponse`). */
  node?: NodeSseTarget | null;
}

/** A Node response to stream into, and headers to send besides the SSE ones (e.g. `X-Request-Id`). */
export interface NodeSseTarget {
  response: ServerResponse;
  headers: Record<string, string>;
}

/**
 * The Node response behind `c` when the app runs under @hono/node-server; null otherwise (e.g.
 * `app.request()` in tests). Carries the request id header (`c.res` is not touched: building it
 * would make Hono wrap the returned `RESPONSE_ALREADY_SENT` into a response that gets written).
 */
export function nodeResponse(c: Context): NodeSseTarget | null {
  const env: unknown = c.env;
  const outgoing: unknown = typeof env === 'object' && env !== null ? Reflect.get(env, 'outgoing') : undefined;
  if (!(outgoing instanceof ServerResponse) || outgoing.headersSent) return null;
  const requestId: unknown = c.get('requestId');
  return { response: outgoing, headers: typeof requestId === 'string' ? { 'x-request-id': requestId } : {} };
}

const encoder = new TextEncoder();
const KEEP_ALIVE = ': keep-alive\n\n';
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

function frameText(frame: SseFrame & { kind: 'data' }): string {
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
  return frame.event ? `event: ${frame.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

function defaultErrorFrame(error: RelayError): SseFrame & { kind: 'data' } {
  return { kind: 'data', data: error.toBody() };
}

/** Where the bytes go: a Node response written directly, or a web stream (a `Response` body). */
interface SseSink {
  write(text: string): void;
  /** The consumer has no room: wait until `Output.wake` is called. */
  full(): boolean;
  close(): void;
}

/** The stream's state, shared by the pump, the flush, the keep-alive timer and cancellation. */
interface Output {
  sink: SseSink;
  /** Frame text waiting for the next flush, and its length. */
  pending: string[];
  pendingChars: number;
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
  out.sink.write(out.pending.length === 1 ? (out.pending[0] ?? '') : out.pending.join(''));
  out.pending.length = 0;
  out.pendingChars = 0;
  out.lastOutputAt = Date.now();
}

/** Pending text beyond this is written at once, so the consumer's backpressure is seen in time. */
const FLUSH_AT = 64 * 1024;

function write(out: Output, text: string): void {
  out.pending.push(text);
  out.pendingChars += text.length;
  if (out.pendingChars >= FLUSH_AT) flush(out);
  else if (!out.flushScheduled) {
    out.flushScheduled = true;
    setImmediate(flush, out);
  }
}

function close(out: Output): void {
  out.finished = true;
  clearTimeout(out.keepAlive);
  flush(out);
  if (out.closed) return;
  out.closed = true;
  out.sink.close();
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
 *
 * With `options.node` (the usual case, under @hono/node-server) the stream is written straight to
 * the Node response and `RESPONSE_ALREADY_SENT` is returned: no web stream, `Response` or reader
 * loop per request. Without it, the stream is the body of the returned `Response`.
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
        if (o.sink.full()) await new Promise<void>((resolve) => (o.wake = resolve));
        o.wake = null;
        if (o.finished) return close(o);
        const result = await iterator.next();
        if (o.finished) return close(o);
        if (result.done) return terminate(o);
        if (result.value.kind === 'end') {
          terminate(o);
          return await drain();
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

  const terminate = (o: Output): void => {
    if (options.terminator !== null) write(o, frameText({ kind: 'data', data: options.terminator }));
    close(o);
  };
  // After an `end` frame: the client has its answer; the rest is the producer's bookkeeping.
  const drain = async (): Promise<void> => {
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next());
    } catch (err) {
      options.logger.debug({ err }, 'stream producer failed after the response ended');
    }
  };

  const begin = (sink: SseSink): Output => {
    const o: Output = { sink, pending: [], pendingChars: 0, flushScheduled: false, lastOutputAt: Date.now(), keepAlive: undefined, wake: null, finished: false, closed: false };
    out = o;
    if (first.done) {
      options.signal.removeEventListener('abort', onAbort);
      terminate(o);
      return o;
    }
    if (first.value.kind === 'end') {
      options.signal.removeEventListener('abort', onAbort);
      terminate(o);
      void drain();
      return o;
    }
    if (first.value.kind === 'data') write(o, frameText(first.value));
    armKeepAlive(o, options.keepAliveMs, options.keepAliveMs);
    void pump(o);
    return o;
  };

  if (options.node) {
    const { response, headers } = options.node;
    response.writeHead(200, { ...headers, ...SSE_HEADERS });
    response.flushHeaders();
    const o = begin({
      write: (text) => void response.write(text),
      full: () => response.writableNeedDrain,
      close: () => response.end(),
    });
    response.on('drain', () => o.wake?.());
    response.once('close', () => {
      o.closed = true;
      stop();
    });
    return RESPONSE_ALREADY_SENT;
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      begin({
        write: (text) => controller.enqueue(encoder.encode(text)),
        full: () => {
          const room = controller.desiredSize;
          return room !== null && room <= 0;
        },
        close: () => {
          try {
            controller.close();
          } catch {
            // Already cancelled by the consumer; nothing left to deliver.
          }
        },
      });
    },
    pull() {
      out?.wake?.();
    },
    cancel() {
      if (out !== null) out.closed = true;
      stop();
    },
  });

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
