import { InvalidRequestError } from '../util/errors.js';
import { chatBodySchema } from './chat-body-schema.js';
import type { ChatMessage } from './chat-message.js';
import { normalizeMessage } from './normalize-message.js';
import { renderConversation, renderSystemPrompt } from './render-conversation.js';
import { parseAt } from './request-param.js';
import { checkClientTools, checkUnsupportedParams, type ClientToolsMode } from './request-policy.js';

/** A validated `POST /v1/chat/completions` request, in relaypool's terms. */
export interface ChatRequest {
  /** The model name as the client sent it, or null when it sent none (the route applies its default). */
  model: string | null;
  /** System + developer messages, joined; null when there are none. */
  systemPrompt: string | null;
  /** The rendered conversation: the new task's first prompt (see `renderConversation`). */
  content: string;
  stream: boolean;
  /** Streaming only: append a final chunk with usage (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** How many client tool/function definitions were ignored (0 when none were sent). */
  clientToolsIgnored: number;
  messageCount: number;
  /** Every message, normalized, in order (system ones included), for conversation continuity. */
  messages: ChatMessage[];
  /** The client's `user` field, when given (for logs and usage records; not a secret). */
  user: string | null;
  /** `store` as sent; `false` means retain nothing (no kept task, no binding); null when absent. */
  store: boolean | null;
}

/** Options of `parseChatRequest`. */
export interface ParseChatOptions {
  /** Client `tools`/`functions`: accept and ignore (default) or refuse with 400 `tools`. */
  clientTools?: ClientToolsMode;
}

/**
 * Parse and validate a chat completions body. Throws `InvalidRequestError` with `param` set to the
 * exact field (`messages[2].content[0]`) for malformed input, for content relaypool cannot pass on
 * (images, audio, files) and for parameters whose meaning it cannot honour (see `request-policy.ts`).
 */
export function parseChatRequest(body: unknown, options: ParseChatOptions = {}): ChatRequest {
  const parsed = parseAt(chatBodySchema, body, []);
  checkUnsupportedParams(parsed);
  const clientToolsIgnored = checkClientTools(parsed, options.clientTools ?? 'ignore');
  const messages = parsed.messages.map((message, index) => normalizeMessage(message, index));
  const content = renderConversation(messages);
  if (content.trim() === '') {
    throw new InvalidRequestError('The messages contain no user, assistant or tool text to send.', {
      param: 'messages',
    });
  }
  const stream = parsed.stream ?? false;
  return {
    model: parsed.model ?? null,
    systemPrompt: renderSystemPrompt(messages),
    content,
    stream,
    includeUsage: stream && (parsed.stream_options?.include_usage ?? false),
    clientToolsIgnored,
    messageCount: messages.length,
    messages,
    user: parsed.user ?? null,
    store: parsed.store ?? null,
  };
}
