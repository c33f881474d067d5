import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseCapture {
  events: EventSourceMessage[];
  comments: string[];
}

/** Read a whole SSE body with eventsource-parser (never by splitting on blank lines). */
export async function readSse(body: ReadableStream<Uint8Array> | null): Promise<SseCapture> {
  const capture: SseCapture = { events: [], comments: [] };
  const parser = createParser({
    onEvent: (event) => capture.events.push(event),
    onComment: (comment) => capture.comments.push(comment),
  });
  if (body === null) return capture;
  const decoder = new TextDecoder();
  for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
  return capture;
}
