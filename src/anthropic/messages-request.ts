import { InvalidRequestError } from '../util/errors.js';
import {
  invalidParam,
  parseAt,
  renderConversation,
  renderSystemPrompt,
  unsupportedParam,
  type ChatMessage,
  type ClientToolsMode,
} from '../openai/index.js';
import { countTokensBodySchema, messagesBodySchema, type CountTokensBody } from './body-schema.js';
import { blocksText, normalizeMessage } from './content-blocks.js';

/** A validated `POST /v1/messages/count_tokens` body, in relaypool's terms. */
export interface MessagesPrompt {
  /** The model name as the client sent it (e.g. `claude-sonnet-4-5`). */
  model: string;
  /** `system` and any system-role messages, joined; null when there are none. */
  systemPrompt: string | null;
  /** The rendered conversation: the new task's first prompt (see `renderConversation`). */
  content: string;
  /** Every message, normalized, in order, for conversation continuity. */
  messages: ChatMessage[];
  /** How many client tool definitions were ignored (0 when none were sent). */
  clientToolsIgnored: number;
  /** False when the request turned thinking off (`thinking.type: "disabled"`). */
  thinking: boolean;
}

/** A validated `POST /v1/messages` request. */
export interface MessagesRequest extends MessagesPrompt {
  stream: boolean;
}

/** Options of the parsers. */
export interface ParseMessagesOptions {
  /** Client `tools`: accept and ignore (default) or refuse with 400 `tools`. */
  clientTools?: ClientToolsMode;
}

/**
 * Parse and validate a messages body. Throws `InvalidRequestError` naming the exact field
 * (`messages[2].content[0]`) for malformed input, for image and document blocks, and for a
 * `tool_choice` that forces a call (the upstream agent runs its own tools, never the client's).
 */
export function parseMessagesRequest(body: unknown, options: ParseMessagesOptions = {}): MessagesRequest {
  const parsed = parseAt(messagesBodySchema, body, []);
  return { ...promptOf(parsed, options), stream: parsed.stream ?? false };
}

/** Parse a count_tokens body: the same as a messages body, without `max_tokens` and `stream`. */
export function parseCountTokensRequest(body: unknown, options: ParseMessagesOptions = {}): MessagesPrompt {
  return promptOf(parseAt(countTokensBodySchema, body, []), options);
}

function promptOf(parsed: CountTokensBody, options: ParseMessagesOptions): MessagesPrompt {
  const clientToolsIgnored = checkClientTools(parsed, options.clientTools ?? 'ignore');
  const system = blocksText(parsed.system, ['system'], '\n\n');
  const messages = [
    ...(system === ''
      ? []
      : [{ role: 'system' as const, text: system, name: null, toolCallId: null, toolCalls: [] }]),
    ...parsed.messages.flatMap((message, index) => normalizeMessage(message, index)),
  ];
  const content = renderConversation(messages);
  if (content.trim() === '') {
    throw new InvalidRequestError('The messages contain no user, assistant or tool text to send.', {
      param: 'messages',
    });
  }
  return {
    model: parsed.model,
    systemPrompt: renderSystemPrompt(messages),
    content,
    messages,
    clientToolsIgnored,
    thinking: parsed.thinking?.type !== 'disabled',
  };
}

/**
 * Client tools follow `openai.clientTools`: Claude Code always sends its tools, but the upstream
 * agent works with its own inside its sandbox. A `tool_choice` of `any` or `tool` forces a call
 * that can never happen, so it is a 400; `auto` and `none` are fine.
 */
function checkClientTools(body: CountTokensBody, mode: ClientToolsMode): number {
  const tools = body.tools?.length ?? 0;
  if (mode === 'reject' && tools > 0)
    throw unsupportedParam(['tools'], 'client-defined tools are not supported.');
  const choice = body.tool_choice?.type;
  if (choice === 'any' || choice === 'tool') {
    throw unsupportedParam(
      ['tool_choice'],
      'forcing a tool call is not supported; the upstream agent uses its own tools. Use "auto" or "none".',
    );
  }
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    throw invalidParam(['tool_choice', 'type'], 'expected "auto", "any", "tool" or "none".');
  }
  return tools;
}
