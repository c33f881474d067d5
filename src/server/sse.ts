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

function encodeFrame(frame: SseFrame & { kind: 'data' }): Uint8Array {
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
  return encoder.encode(frame.event ? `event: ${frame.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
}

const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

function defaultErrorFrame(error: RelayError): SseFrame & { kind: 'data' } {
  return { kind: 'data', data: error.toBody() };
}

/**
 * The one writer of `text/event-stream` responses (style.md "Streaming").
 *
 * The first frame is awaited before any header is sent: if the producer fails by then, this
 * rejects and the caller's error handler answers with a proper HTTP status. After that, frames
 * are written as they come, keep-alive comments fill silences, a failure becomes one JSON error
 * frame in OpenAI's shape (and no terminator), and a client abort stops the producer.
 */
export async function respondWithSse(source: AsyncIterable<SseFrame>, options: SseOptions): Promise<Response> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const errorFrame = options.errorFrame ?? defaultErrorFrame;
  let pending: Promise<IteratorResult<SseFrame>> | null = null;
  let finished = false;

  const stop = (): void => {
    if (finished) return;
    finished = true;
    void iterator.return?.().catch((err: unknown) => options.logger.debug({ err }, 'stream producer failed while stopping'));
  };
  const onAbort = (): void => stop();
  options.signal.addEventListener('abort', onAbort, { once: true });

  const nextOrKeepAlive = async (): Promise<IteratorResult<SseFrame> | 'keep-alive'> => {
    pending ??= iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<'keep-alive'>((resolve) => {
      timer = setTimeout(resolve, options.keepAliveMs, 'keep-alive');
    });
    try {
      const result = await Promise.race([pending, tick]);
      if (result !== 'keep-alive') pending = null;
      return result;
    } finally {
      clearTimeout(timer);
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) {
        if (options.terminator !== null) controller.enqueue(encodeFrame({ kind: 'data', data: options.terminator }));
        finished = true;
        controller.close();
      } else if (first.value.kind === 'data') {
        controller.enqueue(encodeFrame(first.value));
      }
    },
    async pull(controller) {
      if (finished) return;
      try {
        const result = await nextOrKeepAlive();
        if (result === 'keep-alive') {
          controller.enqueue(KEEP_ALIVE);
          return;
        }
        if (result.done) {
          finished = true;
          if (options.terminator !== null) controller.enqueue(encodeFrame({ kind: 'data', data: options.terminator }));
          options.signal.removeEventListener('abort', onAbort);
          controller.close();
          return;
        }
        if (result.value.kind === 'data') controller.enqueue(encodeFrame(result.value));
      } catch (err) {
        finished = true;
        options.signal.removeEventListener('abort', onAbort);
        if (options.signal.aborted) {
          controller.close();
          return;
        }
        const error = toRelayError(err);
        if (error.status >= 500) options.logger.warn({ err: error.cause ?? error, code: error.code }, 'stream failed after headers');
        controller.enqueue(encodeFrame(errorFrame(error)));
        controller.close();
      }
    },
    cancel() {
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
