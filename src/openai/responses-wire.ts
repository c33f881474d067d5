/**
 * OpenAI Responses API shapes that relaypool sends (snake_case, exactly as on the wire). Only what
 * relaypool emits is modelled: a `message` item with one `output_text` part and `reasoning` items
 * with one `summary_text` part, never tool calls. The tests assert assignability to the `openai`
 * SDK's own `Response` and `ResponseStreamEvent` types.
 */

/** An `output_text` content part. relaypool has no citations or log-probabilities to report. */
export interface ResponseOutputTextPart {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

/** A `summary_text` part of a reasoning item. */
export interface ResponseSummaryTextPart {
  type: 'summary_text';
  text: string;
}

/** Status of an output item; `incomplete` marks the item that was open when a response failed. */
export type ResponseItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** The assistant's message (`msg_…`). Its `content` is empty until its part is added. */
export interface ResponseMessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: ResponseItemStatus;
  content: ResponseOutputTextPart[];
}

/** The agent's reasoning (`rs_…`), exposed as a summary. */
export interface ResponseReasoningItem {
  id: string;
  type: 'reasoning';
  summary: ResponseSummaryTextPart[];
}

/** Any item of `response.output`. */
export type ResponseOutputItem = ResponseMessageItem | ResponseReasoningItem;

/** `usage` of a response. relaypool knows no cache reads/writes or reasoning split, so those are 0. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** `error` of a failed response, in the vocabulary of OpenAI's `ResponseError.code`. */
export interface ResponseErrorBody {
  code: 'server_error' | 'rate_limit_exceeded';
  message: string;
}

/** `status` of a response as relaypool reports it. */
export type ResponseStatus = 'in_progress' | 'completed' | 'failed';

/**
 * The `response` object: the non-stream body, and the payload of `response.created`,
 * `response.in_progress`, `response.completed` and `response.failed`. `output_text` is a
 * convenience the SDKs compute themselves; it is sent with the same value so raw-HTTP clients get
 * it too. `usage` is absent while the response is in progress. `store` is on the wire although the
 * SDK's type omits it.
 */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  background: false;
  error: ResponseErrorBody | null;
  incomplete_details: null;
  instructions: string | null;
  metadata: Record<string, string>;
  model: string;
  output: ResponseOutputItem[];
  output_text: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  store: boolean;
  temperature: null;
  text: { format: { type: 'text' } };
  tool_choice: 'auto' | 'none';
  tools: [];
  top_p: null;
  truncation: 'disabled';
  usage?: ResponseUsage;
}

interface Sequenced {
  sequence_number: number;
}

interface ItemEvent extends Sequenced {
  item_id: string;
  output_index: number;
}

/** `response.created`, `response.in_progress`, `response.completed`, `response.failed`. */
export interface ResponseLifecycleEvent extends Sequenced {
  type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.failed';
  response: ResponseObject;
}

/** `response.output_item.added` / `response.output_item.done`. */
export interface ResponseOutputItemEvent extends Sequenced {
  type: 'response.output_item.added' | 'response.output_item.done';
  output_index: number;
  item: ResponseOutputItem;
}

/** `response.content_part.added` / `response.content_part.done` (the message's text part). */
export interface ResponseContentPartEvent extends ItemEvent {
  type: 'response.content_part.added' | 'response.content_part.done';
  content_index: number;
  part: ResponseOutputTextPart;
}

/** `response.output_text.delta`. */
export interface ResponseTextDeltaEvent extends ItemEvent {
  type: 'response.output_text.delta';
  content_index: number;
  delta: string;
  logprobs: [];
}

/** `response.output_text.done`: the part's full text. */
export interface ResponseTextDoneEvent extends ItemEvent {
  type: 'response.output_text.done';
  content_index: number;
  text: string;
  logprobs: [];
}

/** `response.reasoning_summary_part.added` / `response.reasoning_summary_part.done`. */
export interface ResponseSummaryPartEvent extends ItemEvent {
  type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
  summary_index: number;
  part: ResponseSummaryTextPart;
}

/** `response.reasoning_summary_text.delta`. */
export interface ResponseSummaryTextDeltaEvent extends ItemEvent {
  type: 'response.reasoning_summary_text.delta';
  summary_index: number;
  delta: string;
}

/** `response.reasoning_summary_text.done`: the summary's full text. */
export interface ResponseSummaryTextDoneEvent extends ItemEvent {
  type: 'response.reasoning_summary_text.done';
  summary_index: number;
  text: string;
}

/**
 * One streamed Responses event. The SSE writer sends each as `event: <type>` with the JSON as
 * `data`; `sequence_number` counts up from 0 within one response.
 */
export type ResponseStreamEvent =
  | ResponseLifecycleEvent
  | ResponseOutputItemEvent
  | ResponseContentPartEvent
  | ResponseTextDeltaEvent
  | ResponseTextDoneEvent
  | ResponseSummaryPartEvent
  | ResponseSummaryTextDeltaEvent
  | ResponseSummaryTextDoneEvent;
