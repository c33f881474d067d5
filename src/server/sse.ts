import { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { toRelayError, type RelayError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import {
  armKeepAlive,
  close,
  newOutput,
  nodeSink,
  webSink,
  write,
  type SseOutput,
  type SseSink,
} from './sse-output.js';

/**
 * What a stream producer yields: a marker that headers may go out, one event to send, or a marker
 * that the client has everything (the terminator is written and the response ends at once; the
 * producer is still read to its end, its frames ignored, for its bookkeeping).
 */
export type SseFrame = { kind: 'open' } | { kind: 'data'; data: unknown; event?: string } | { kind: 'end' };

export interface SseOptions {
  /** Comment sent after this much silence, so idle timeouts don't cut a booting stream. */
  keepAliveMs: number;
  /** An event to send as the keep-alive instead of a comment (Anthropic's `ping`). */
  keepAlive?: SseFrame & { kind: 'data' };
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
  const outgoing: unknown =
    typeof env === 'object' && env !== null ? Reflect.get(env, 'outgoing') : undefined;
  if (!(outgoing instanceof ServerResponse) || outgoing.headersSent) return null;
  const requestId: unknown = c.get('requestId');
  return {
    response: outgoing as ServerResponse,
    headers: typeof requestId === 'string' ? { 'x-request-id': requestId } : {},
  };
}

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

/**
 * The one writer of `text/event-stream` responses (style.md "Streaming"). The first frame is awaited
 * before any header, so a producer failing by then rejects into a proper HTTP error; later, a
 * failure is one OpenAI-shaped error frame and no terminator. Keep-alive comments fill silences; a
 * client abort stops the producer. With `options.node` it writes straight to the Node response and
 * returns `RESPONSE_ALREADY_SENT` (no web stream per request); else the stream is the `Response` body.
 */
export async function respondWithSse(
  source: AsyncIterable<SseFrame>,
  options: SseOptions,
): Promise<Response> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const errorFrame = options.errorFrame ?? defaultErrorFrame;
  let out: SseOutput | null = null;

  const stop = (): void => {
    if (out === null || out.finished) return;
    out.finished = true;
    clearTimeout(out.keepAlive);
    out.wake?.();
    void iterator
      .return?.()
      .catch((err: unknown) => options.logger.debug({ err }, 'stream producer failed while stopping'));
  };
  const onAbort = (): void => stop();
  options.signal.addEventListener('abort', onAbort, { once: true });

  const pump = async (o: SseOutput): Promise<void> => {
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
      if (error.status >= 500)
        options.logger.warn({ err: error.cause ?? error, code: error.code }, 'stream failed after headers');
      write(o, frameText(errorFrame(error)));
      close(o);
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
  };

  const terminate = (o: SseOutput): void => {
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

  const begin = (sink: SseSink): SseOutput => {
    const o = newOutput(sink);
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
    armKeepAlive(
      o,
      options.keepAliveMs,
      options.keepAliveMs,
      options.keepAlive && frameText(options.keepAlive),
    );
    void pump(o);
    return o;
  };

  if (options.node) {
    const { response, headers } = options.node;
    response.writeHead(200, { ...headers, ...SSE_HEADERS });
    const sink = nodeSink(response);
    const o = begin(sink);
    // Headers go out at the end of this event-loop turn: after the request the producer is starting
    // now (the next upstream call) is on its way, or together with a frame already pending.
    setImmediate(() => sink.flushHeaders());
    response.on('drain', () => o.wake?.());
    response.once('close', () => {
      o.closed = true;
      stop();
    });
    return RESPONSE_ALREADY_SENT;
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      begin(webSink(controller));
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
