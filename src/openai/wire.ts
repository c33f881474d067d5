/**
 * OpenAI wire shapes that relaypool sends (snake_case, exactly as on the wire). Everything else in
 * `src/openai/` is camelCase; these types exist so encoders build objects the `openai` SDK accepts
 * (the tests assert assignability to the SDK's own types). The SDK itself is a dev dependency only.
 */

/** `usage` of a chat completion (and of the last streamed chunk when `include_usage` is set). */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * One streamed delta. `reasoning_content` is the de-facto extension (DeepSeek, vLLM, opencode,
 * the AI SDK's openai-compatible provider) for reasoning text; it is not in OpenAI's own schema.
 */
export interface ChatCompletionChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
}

/** The single choice of a streamed chunk. relaypool never emits `tool_calls`. */
export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  finish_reason: 'stop' | null;
  logprobs: null;
}

/**
 * A `chat.completion.chunk`. `usage` is absent unless the client asked for
 * `stream_options.include_usage`; then it is `null` on every chunk except the last one, which has
 * `choices: []` and the totals (OpenAI's behaviour).
 */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: CompletionUsage | null;
}

/** The assistant message of a non-stream answer. */
export interface ChatCompletionMessage {
  role: 'assistant';
  content: string;
  refusal: null;
  /** Present only when reasoning is exposed as a field and the agent produced some. */
  reasoning_content?: string;
}

/** The single choice of a non-stream answer. */
export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: 'stop';
  logprobs: null;
}

/** A non-stream `chat.completion`. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage: CompletionUsage;
}

/** One entry of `GET /v1/models`. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The body of `GET /v1/models`. */
export interface ModelList {
  object: 'list';
  data: ModelObject[];
}
