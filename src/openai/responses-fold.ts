import type { TokenUsage, UpstreamEvent } from '../upstream/types.js';
import { UpstreamError } from '../util/errors.js';
import { createResponsesStreamEncoder, type ResponsesEncoderOptions } from './responses-stream-encoder.js';
import type { ResponseObject, ResponseStreamEvent } from './responses-wire.js';

/** A non-stream response plus the usage to record (with the `estimated` flag the wire lacks). */
export interface FoldedResponse {
  response: ResponseObject;
  usage: TokenUsage;
}

/**
 * The non-stream answer: run the same encoder as the stream over one turn's events and fold what
 * it emits (one translation, not two). A turn that ends with `error` throws that error (an
 * upstream failure the caller maps to HTTP); one that ends without `finish` throws `UpstreamError`.
 */
export function foldResponse(
  events: Iterable<UpstreamEvent>,
  options: ResponsesEncoderOptions,
): FoldedResponse {
  const encoder = createResponsesStreamEncoder(options);
  const emitted: ResponseStreamEvent[] = [];
  for (const event of events) {
    if (event.type === 'error') throw event.error;
    emitted.push(...encoder.push(event));
    if (encoder.isFinished()) break;
  }
  if (!encoder.isFinished()) {
    throw new UpstreamError('the upstream turn ended without finishing', { code: 'upstream_protocol' });
  }
  return { response: foldResponseEvents(emitted), usage: encoder.usage() };
}

/**
 * The final `response` object of a complete event stream: the payload of its terminal
 * `response.completed` or `response.failed` event, exactly what a streaming client ends up with.
 */
export function foldResponseEvents(events: readonly ResponseStreamEvent[]): ResponseObject {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event?.type === 'response.completed' || event?.type === 'response.failed') return event.response;
  }
  throw new UpstreamError('the response events have no terminal event', { code: 'upstream_protocol' });
}
