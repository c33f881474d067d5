import type { RelayError } from '../util/errors.js';
import type {
  ResponseErrorBody,
  ResponseItemStatus,
  ResponseMessageItem,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputTextPart,
  ResponseReasoningItem,
  ResponseStatus,
  ResponseSummaryTextPart,
  ResponseUsage,
} from './responses-wire.js';

/** What a response echoes from its request (a `ResponsesRequest` fits). */
export interface ResponseEcho {
  instructions: string | null;
  metadata: Record<string, string> | null;
  previousResponseId: string | null;
  store: boolean;
  toolChoice: 'auto' | 'none';
  parallelToolCalls: boolean;
}

/** What every snapshot of one response shares. */
export interface ResponseHeader {
  /** `resp_…`. */
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  echo: ResponseEcho;
}

/** One output item as the encoder tracks it: its text so far and where it stands. */
export interface OutputItemState {
  kind: 'message' | 'reasoning';
  id: string;
  text: string;
  status: ResponseItemStatus;
}

/** The state-dependent part of a response snapshot. */
export interface ResponseBody {
  status: ResponseStatus;
  output: readonly OutputItemState[];
  /** Present once the response ended. */
  usage?: ResponseUsage;
  error?: ResponseErrorBody;
  /** Unix seconds; set when the response completed. */
  completedAt?: number;
}

/** What a failed response needs of an error (a `RelayError` fits). */
export type ResponseFailure = Pick<RelayError, 'message' | 'status'>;

/**
 * `error` of a failed response, in OpenAI's `ResponseError.code` vocabulary because clients branch
 * on it (Codex CLI retries `rate_limit_exceeded`); the message is relaypool's, which never holds
 * secrets or prompt text.
 */
export function responseError(error: ResponseFailure): ResponseErrorBody {
  return { code: error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error.message };
}

/** The echo of a request that said nothing: OpenAI's defaults. */
export const DEFAULT_ECHO: ResponseEcho = {
  instructions: null,
  metadata: null,
  previousResponseId: null,
  store: true,
  toolChoice: 'auto',
  parallelToolCalls: true,
};

/** An `output_text` part holding `text`. */
export function outputTextPart(text: string): ResponseOutputTextPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A `summary_text` part holding `text`. */
export function summaryTextPart(text: string): ResponseSummaryTextPart {
  return { type: 'summary_text', text };
}

/** A message item; `content` is empty in `response.output_item.added`, one part otherwise. */
export function messageItem(
  id: string,
  status: ResponseItemStatus,
  content: ResponseOutputTextPart[],
): ResponseMessageItem {
  return { id, type: 'message', role: 'assistant', status, content };
}

/** A reasoning item; its summary is empty in `response.output_item.added`, one part otherwise. */
export function reasoningItem(id: string, summary: string | null): ResponseReasoningItem {
  return { id, type: 'reasoning', summary: summary === null ? [] : [summaryTextPart(summary)] };
}

/** The full wire item for a tracked item (fresh objects, so emitted events never change later). */
export function outputItem(item: OutputItemState): ResponseOutputItem {
  if (item.kind === 'reasoning') return reasoningItem(item.id, item.text);
  return messageItem(item.id, item.status, [outputTextPart(item.text)]);
}

/**
 * Build the `response` object. The one builder behind every lifecycle event and the non-stream
 * body, so both paths agree field for field. Client tools are never honoured, hence `tools: []`;
 * sampling settings are the agent's own, hence `temperature`/`top_p` null.
 */
export function buildResponse(header: ResponseHeader, body: ResponseBody): ResponseObject {
  const output = body.output.map(outputItem);
  const response: ResponseObject = {
    id: header.id,
    object: 'response',
    created_at: header.createdAt,
    status: body.status,
    completed_at: body.completedAt ?? null,
    background: false,
    error: body.error ?? null,
    incomplete_details: null,
    instructions: header.echo.instructions,
    metadata: { ...header.echo.metadata },
    model: header.model,
    output,
    output_text: outputText(output),
    parallel_tool_calls: header.echo.parallelToolCalls,
    previous_response_id: header.echo.previousResponseId,
    store: header.echo.store,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: header.echo.toolChoice,
    tools: [],
    top_p: null,
    truncation: 'disabled',
  };
  if (body.usage !== undefined) response.usage = { ...body.usage };
  return response;
}

/** The SDKs' `output_text`: every message's text parts, concatenated. */
function outputText(output: readonly ResponseOutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type === 'message') for (const part of item.content) text += part.text;
  }
  return text;
}
