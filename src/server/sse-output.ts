import type { ServerResponse } from 'node:http';

/** Where an SSE stream's bytes go: a Node response written directly, or a web stream's controller. */
export interface SseSink {
  write(text: string): void;
  /** The consumer has no room: wait until `SseOutput.wake` is called. */
  full(): boolean;
  /** End the stream after `last` ('' for nothing more). */
  close(last: string): void;
}

/** A stream's state, shared by the pump, the flush, the keep-alive timer and cancellation. */
export interface SseOutput {
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

const encoder = new TextEncoder();
const KEEP_ALIVE = ': keep-alive\n\n';

/** A sink writing into a Node response, whose headers may still be waiting. */
export interface NodeSseSink extends SseSink {
  /** Send the headers now unless a write already carried them. */
  flushHeaders(): void;
}

/**
 * Writes straight into a Node response (backpressure: `writableNeedDrain`, then `drain`). Headers
 * go out with the first write unless `flushHeaders` comes first; the last text goes to `end()`,
 * which writes it together with the terminating chunk: one socket write.
 */
export function nodeSink(response: ServerResponse): NodeSseSink {
  let sent = false;
  return {
    write: (text) => {
      sent = true;
      response.write(text);
    },
    full: () => response.writableNeedDrain,
    close: (last) => {
      sent = true;
      if (last === '') response.end();
      else response.end(last);
    },
    flushHeaders: () => {
      if (sent || response.destroyed) return;
      sent = true;
      response.flushHeaders();
    },
  };
}

/** Enqueues into a web stream (backpressure: its `desiredSize`, then `pull`). */
export function webSink(controller: ReadableStreamDefaultController<Uint8Array>): SseSink {
  return {
    write: (text) => controller.enqueue(encoder.encode(text)),
    full: () => {
      const room = controller.desiredSize;
      return room !== null && room <= 0;
    },
    close: (last) => {
      try {
        if (last !== '') controller.enqueue(encoder.encode(last));
        controller.close();
      } catch {
        // Already cancelled by the consumer; nothing left to deliver.
      }
    },
  };
}

/** A fresh output over `sink`. */
export function newOutput(sink: SseSink): SseOutput {
  return {
    sink,
    pending: [],
    pendingChars: 0,
    flushScheduled: false,
    lastOutputAt: Date.now(),
    keepAlive: undefined,
    wake: null,
    finished: false,
    closed: false,
  };
}

// Frames that arrive together (an upstream burst, one WebSocket read) are written as one chunk at
// the end of the event-loop turn: one socket write instead of one per frame.
function flush(out: SseOutput): void {
  out.flushScheduled = false;
  if (out.closed || out.pending.length === 0) return;
  out.sink.write(takePending(out));
  out.lastOutputAt = Date.now();
}

function takePending(out: SseOutput): string {
  const text = out.pending.length === 1 ? (out.pending[0] ?? '') : out.pending.join('');
  out.pending.length = 0;
  out.pendingChars = 0;
  return text;
}

/** Pending text beyond this is written at once, so the consumer's backpressure is seen in time. */
const FLUSH_AT = 64 * 1024;

/** Queue `text`; it goes out with the other frames of this event-loop turn. */
export function write(out: SseOutput, text: string): void {
  out.pending.push(text);
  out.pendingChars += text.length;
  if (out.pendingChars >= FLUSH_AT) flush(out);
  else if (!out.flushScheduled) {
    out.flushScheduled = true;
    setImmediate(flush, out);
  }
}

/** Stop the keep-alive and end the sink with what is pending (once). */
export function close(out: SseOutput): void {
  out.finished = true;
  clearTimeout(out.keepAlive);
  if (out.closed) return;
  out.closed = true;
  out.sink.close(takePending(out));
}

// One timer per stream, re-armed only when it fires (not one per frame).
export function armKeepAlive(
  out: SseOutput,
  keepAliveMs: number,
  delayMs: number,
  text: string = KEEP_ALIVE,
): void {
  out.keepAlive = setTimeout(() => {
    if (out.finished) return;
    const idle = Date.now() - out.lastOutputAt;
    if (idle >= keepAliveMs) {
      write(out, text);
      armKeepAlive(out, keepAliveMs, keepAliveMs, text);
    } else {
      armKeepAlive(out, keepAliveMs, keepAliveMs - idle, text);
    }
  }, delayMs);
}
