import type { TokenUsage, UpstreamEvent } from '../upstream/types.js';
import type { ToolActivityMode } from './chat-chunk-encoder.js';
import type { ResponseIds } from './responses-ids.js';
import type { ResponseEcho, ResponseFailure } from './responses-object.js';
import type { ResponseObject, ResponseStreamEvent } from './responses-wire.js';
import type { UsagePrompt } from './usage-meter.js';

/** Reasoning as a `reasoning` output item with a summary (default), or dropped. */
export type ResponsesReasoningMode = 'summary' | 'hide';

/** Options of `createResponsesStreamEncoder`. */
export interface ResponsesEncoderOptions {
  /** `resp_…`, chosen by the caller (it is also the key for `previous_response_id`). */
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  /** What the response echoes (a `ResponsesRequest` fits); OpenAI's defaults when absent. */
  request?: ResponseEcho;
  /** The prompt sent upstream (a `ResponsesRequest` fits); only used to estimate usage. */
  prompt?: UsagePrompt;
  reasoning?: ResponsesReasoningMode;
  toolActivity?: ToolActivityMode;
  /** Item id generators (`msg_…`, `rs_…`); random when absent. */
  ids?: Pick<ResponseIds, 'message' | 'reasoning'>;
  /** Clock in milliseconds, for `completed_at`. */
  now?: () => number;
}

/** Turns one turn's `UpstreamEvent`s into Responses API stream events. */
export interface ResponsesStreamEncoder {
  /** `response.created` + `response.in_progress` unless already sent (push/finish/fail send them when needed). */
  start(): ResponseStreamEvent[];
  /** Events for one upstream event (often none). `finish` completes the response; `error` yields nothing. */
  push(event: UpstreamEvent): ResponseStreamEvent[];
  /** Close whatever is open and emit `response.completed`; idempotent. Same as pushing `finish`. */
  finish(): ResponseStreamEvent[];
  /** End with `response.failed` carrying `error`; nothing once the response has ended. */
  fail(error: ResponseFailure): ResponseStreamEvent[];
  /** True once an output item went out; before that a failure can still be retried invisibly. */
  hasOutput(): boolean;
  /** True once `response.completed` or `response.failed` was produced. */
  isFinished(): boolean;
  /** Usage so far: the upstream's numbers, else an estimate (`estimated: true`). */
  usage(): TokenUsage;
  /** The response as it stands (the final one once finished). */
  response(): ResponseObject;
}
