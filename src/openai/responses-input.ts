import { z } from 'zod';
import type { ChatMessage, ChatToolCall } from './chat-message.js';
import { invalidParam, parseAt, unsupportedParam, type ParamPath } from './request-param.js';
import { responsesContentSchema, responsesContentText } from './responses-content.js';

const itemHeadSchema = z.looseObject({ type: z.string().nullish(), role: z.unknown().optional() });
const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system', 'developer'], {
    error: 'expected one of "user", "assistant", "system", "developer"',
  }),
  content: responsesContentSchema,
});
const functionCallSchema = z.looseObject({ call_id: z.string(), name: z.string(), arguments: z.string() });
const customToolCallSchema = z.looseObject({ call_id: z.string(), name: z.string(), input: z.string() });
const localShellCallSchema = z.looseObject({ call_id: z.string(), action: z.looseObject({}) });
const callOutputSchema = z.looseObject({ call_id: z.string(), output: responsesContentSchema });
const localShellOutputSchema = z.looseObject({ id: z.string(), output: z.string() });

/**
 * Items skipped without a trace in the transcript. `reasoning` is the model's private thinking
 * (often only `encrypted_content` that only OpenAI can read; OpenAI itself drops earlier turns'
 * reasoning). The others are hosted-tool records and opaque provider state that carry no text the
 * upstream agent could use. relaypool never emits any of them except `reasoning`.
 */
const SKIPPED_ITEMS: ReadonlySet<string> = new Set([
  'reasoning',
  'compaction',
  'compaction_trigger',
  'context_compaction',
  'additional_tools',
  'web_search_call',
  'file_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'computer_call',
  'computer_call_output',
  'tool_search_call',
  'tool_search_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'program',
  'program_output',
]);

const KNOWN_ITEMS =
  '"message", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output", ' +
  '"local_shell_call", "local_shell_call_output" or "reasoning"';

/**
 * Turn `input` into the normalized conversation: a string is one user message; items become
 * `ChatMessage`s in order. Client tool calls that Codex CLI resends in its history
 * (`function_call`, `custom_tool_call`, `local_shell_call`) join the preceding assistant message as
 * tool calls (or start one), and their outputs become `tool` messages, so `renderConversation`
 * shows them as `<tool_call>` blocks and tool results. See `SKIPPED_ITEMS` for what is dropped.
 */
export function normalizeResponsesInput(input: string | readonly unknown[]): ChatMessage[] {
  if (typeof input === 'string') return [plainMessage('user', input)];
  const messages: ChatMessage[] = [];
  input.forEach((raw, index) => addItem(messages, raw, ['input', index]));
  return messages;
}

function addItem(messages: ChatMessage[], raw: unknown, path: ParamPath): void {
  const head = parseAt(itemHeadSchema, raw, path);
  // Items may omit `type`: messages (they have a role) and item references (they do not).
  const type = head.type ?? (head.role === undefined ? 'item_reference' : 'message');
  switch (type) {
    case 'message': {
      const { role, content } = parseAt(messageSchema, raw, path);
      messages.push(
        plainMessage(role, responsesContentText(content, [...path, 'content'], role === 'assistant')),
      );
      return;
    }
    case 'function_call': {
      const call = parseAt(functionCallSchema, raw, path);
      return addToolCall(messages, { id: call.call_id, name: call.name, arguments: call.arguments });
    }
    case 'custom_tool_call': {
      const call = parseAt(customToolCallSchema, raw, path);
      return addToolCall(messages, { id: call.call_id, name: call.name, arguments: call.input });
    }
    case 'local_shell_call': {
      const call = parseAt(localShellCallSchema, raw, path);
      return addToolCall(messages, {
        id: call.call_id,
        name: 'local_shell',
        arguments: JSON.stringify(call.action),
      });
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const result = parseAt(callOutputSchema, raw, path);
      messages.push(toolMessage(result.call_id, responsesContentText(result.output, [...path, 'output'])));
      return;
    }
    case 'local_shell_call_output': {
      const result = parseAt(localShellOutputSchema, raw, path);
      messages.push(toolMessage(result.id, result.output));
      return;
    }
    case 'item_reference':
      throw unsupportedParam(path, 'item references are not supported; send the item itself.');
    default:
      if (SKIPPED_ITEMS.has(type)) return;
      throw invalidParam([...path, 'type'], `expected ${KNOWN_ITEMS}.`);
  }
}

function plainMessage(role: ChatMessage['role'], text: string): ChatMessage {
  return { role, text, name: null, toolCallId: null, toolCalls: [] };
}

function toolMessage(callId: string, text: string): ChatMessage {
  return { role: 'tool', text, name: null, toolCallId: callId, toolCalls: [] };
}

/** Attach a tool call to the assistant message right before it, or start an assistant message. */
function addToolCall(messages: ChatMessage[], call: ChatToolCall): void {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') last.toolCalls.push(call);
  else messages.push({ ...plainMessage('assistant', ''), toolCalls: [call] });
}
