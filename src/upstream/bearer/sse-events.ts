import type { Readable } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One server-sent event: its `event:` name (null when absent), `id:` and raw `data:`. */
export interface SseEvent {
  event: string | null;
  id: string | null;
  data: string;
}

/**
 * The events of an SSE body, in order, parsed with `eventsource-parser` (comments and retry
 * fields skipped). Ends when the body ends; a transport failure rejects. Destroys the body when
 * the consumer stops early.
 */
export async function* readSseEvents(body: Readable): AsyncGenerator<SseEvent, void, void> {
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      ready.push({ event: message.event ?? null, id: message.id ?? null, data: message.data });
    },
  });
  try {
    for await (const chunk of body) {
      parser.feed(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      while (ready.length > 0) yield ready.shift() as SseEvent;
    }
  } finally {
    body.destroy();
  }
}
