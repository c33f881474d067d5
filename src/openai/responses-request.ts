import { InvalidRequestError } from '../util/errors.js';
import type { ChatMessage } from './chat-message.js';
import { renderConversation, renderSystemPrompt } from './render-conversation.js';
import { parseAt } from './request-param.js';
import type { ClientToolsMode } from './request-policy.js';
import { responsesBodySchema } from './responses-body-schema.js';
import { normalizeResponsesInput } from './responses-input.js';
import {
  checkResponsesClientTools,
  checkUnsupportedResponsesParams,
  echoedToolChoice,
} from './responses-policy.js';

/** A validated `POST /v1/responses` request, in relaypool's terms. */
export interface ResponsesRequest {
  /** The model name as the client sent it, or null when it sent none (the route applies its default). */
  model: string | null;
  /** `instructions` as sent (echoed in the response); null when absent. */
  instructions: string | null;
  /** `instructions`, then system/developer input messages, joined by blank lines; null when empty. */
  systemPrompt: string | null;
  /** The rendered conversation: the new task's first prompt (see `renderConversation`). */
  content: string;
  /** Every input item that carries conversation text, normalized, in order (system ones included). */
  messages: ChatMessage[];
  stream: boolean;
  /** Whether the client allows relaypool to keep the response for `previous_response_id` (default true). */
  store: boolean;
  previousResponseId: string | null;
  metadata: Record<string, string> | null;
  /** How many client tool definitions were ignored (0 when none were sent). */
  clientToolsIgnored: number;
  /** The `tool_choice` to echo: `none` when the client said so, else `auto`. */
  toolChoice: 'auto' | 'none';
  /** `parallel_tool_calls` to echo (default true); meaningless here, since no tool is ever called. */
  parallelToolCalls: boolean;
  /** The client's `user` field, when given (for logs and usage records; not a secret). */
  user: string | null;
}

/** Options of `parseResponsesRequest`. */
export interface ParseResponsesOptions {
  /** Client `tools`: accept and ignore (default) or refuse with 400 `tools`. */
  clientTools?: ClientToolsMode;
}

/**
 * Parse and validate a Responses body. Throws `InvalidRequestError` with `param` set to the exact
 * field (`input[2].content[0]`) for malformed input, for content relaypool cannot pass on (images,
 * files, audio) and for parameters whose meaning it cannot honour (see `responses-policy.ts`).
 * Codex CLI's requests (`store: false`, `include`, `reasoning`, tools of every type, resent
 * history items) are accepted.
 */
export function parseResponsesRequest(body: unknown, options: ParseResponsesOptions = {}): ResponsesRequest {
  const parsed = parseAt(responsesBodySchema, body, []);
  checkUnsupportedResponsesParams(parsed);
  const clientToolsIgnored = checkResponsesClientTools(parsed, options.clientTools ?? 'ignore');
  const messages = normalizeResponsesInput(parsed.input);
  const content = renderConversation(messages);
  if (content.trim() === '') {
    throw new InvalidRequestError('The input contains no user, assistant or tool text to send.', {
      param: 'input',
    });
  }
  const instructions = parsed.instructions ?? null;
  return {
    model: parsed.model ?? null,
    instructions,
    systemPrompt: joinSystemPrompt(instructions, renderSystemPrompt(messages)),
    content,
    messages,
    stream: parsed.stream ?? false,
    store: parsed.store ?? true,
    previousResponseId: parsed.previous_response_id ?? null,
    metadata: parsed.metadata ?? null,
    clientToolsIgnored,
    toolChoice: echoedToolChoice(parsed),
    parallelToolCalls: parsed.parallel_tool_calls ?? true,
    user: parsed.user ?? null,
  };
}

function joinSystemPrompt(instructions: string | null, fromMessages: string | null): string | null {
  const parts = [instructions, fromMessages].filter(
    (part): part is string => part !== null && part.trim() !== '',
  );
  return parts.length === 0 ? null : parts.join('\n\n');
}
