/**
 * Anthropic Messages API shapes that relaypool sends (snake_case, exactly as on the wire). The
 * `@anthropic-ai/sdk` is a dev dependency only; the contract tests check these against it.
 */

/** `usage` of a message. relaypool has no prompt cache, so the cache counters are always 0. */
export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Text the assistant wrote. */
export interface TextBlock {
  type: 'text';
  text: string;
  citations: null;
}

/** The agent's reasoning; `signature` is opaque to clients (see `thinkingSignature`). */
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

/** The content blocks relaypool produces (never `tool_use`: the agent's tools ran upstream). */
export type ContentBlock = TextBlock | ThinkingBlock;

/** relaypool's turns end when the agent's turn ends: always `end_turn`. */
export type StopReason = 'end_turn';

/** A `message` object (the non-stream answer; `message_start` carries it with empty content). */
export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: MessageUsage;
}

/** A streamed delta of one content block. */
export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string };

/** One event of a `stream: true` answer; the SSE event name is its `type`. */
export type MessageStreamEvent =
  | { type: 'message_start'; message: Message }
  | { type: 'content_block_start'; index: number; content_block: ContentBlock }
  | { type: 'ping' }
  | { type: 'content_block_delta'; index: number; delta: ContentBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: StopReason; stop_sequence: null }; usage: MessageUsage }
  | { type: 'message_stop' };

/** Anthropic's `error.type` vocabulary (the ones relaypool uses). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** An error body, and the `error` event of a stream that fails after it started. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/** `POST /v1/messages/count_tokens`. */
export interface TokenCount {
  input_tokens: number;
}

/** One entry of `GET /v1/models` asked with `anthropic-version`. */
export interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  /** RFC 3339. */
  created_at: string;
}

/** The body of `GET /v1/models` asked with `anthropic-version`. */
export interface ModelInfoList {
  data: ModelInfo[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}
