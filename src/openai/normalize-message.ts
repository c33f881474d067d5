import type { ChatMessage, ChatToolCall } from './chat-message.js';
import {
  assistantMessageSchema,
  functionMessageSchema,
  messageRoleSchema,
  plainMessageSchema,
  toolMessageSchema,
  type WireToolCall,
} from './chat-message-schema.js';
import { contentText } from './message-content.js';
import { invalidParam, missingParam, parseAt, unsupportedParam, type ParamPath } from './request-param.js';

/** Parse `messages[index]` into a `ChatMessage`, or throw a 400 naming the exact field. */
export function normalizeMessage(raw: unknown, index: number): ChatMessage {
  const path = ['messages', index] as const;
  const { role } = parseAt(messageRoleSchema, raw, path);
  switch (role) {
    case 'system':
    case 'developer':
    case 'user': {
      const message = parseAt(plainMessageSchema, raw, path);
      const text = contentText(message.content, [...path, 'content']);
      return { role, text, name: message.name ?? null, toolCallId: null, toolCalls: [] };
    }
    case 'assistant':
      return normalizeAssistant(raw, path);
    case 'tool': {
      const message = parseAt(toolMessageSchema, raw, path);
      const text = contentText(message.content, [...path, 'content']);
      return { role: 'tool', text, name: null, toolCallId: message.tool_call_id, toolCalls: [] };
    }
    case 'function': {
      const message = parseAt(functionMessageSchema, raw, path);
      return {
        role: 'tool',
        text: message.content ?? '',
        name: message.name,
        toolCallId: null,
        toolCalls: [],
      };
    }
  }
}

function normalizeAssistant(raw: unknown, path: ParamPath): ChatMessage {
  const message = parseAt(assistantMessageSchema, raw, path);
  if (message.audio != null) throw unsupportedParam([...path, 'audio'], 'audio messages are not supported.');
  const content = contentText(message.content, [...path, 'content'], true);
  const text = [content, message.refusal ?? ''].filter((part) => part !== '').join('\n');
  const toolCalls = (message.tool_calls ?? []).map((call, i) => toolCallOf(call, [...path, 'tool_calls', i]));
  if (message.function_call != null) {
    toolCalls.push({
      id: null,
      name: message.function_call.name,
      arguments: message.function_call.arguments,
    });
  }
  return { role: 'assistant', text, name: message.name ?? null, toolCallId: null, toolCalls };
}

function toolCallOf(call: WireToolCall, path: ParamPath): ChatToolCall {
  const type = call.type ?? 'function';
  if (type === 'function' && call.function !== undefined) {
    return { id: call.id, name: call.function.name, arguments: call.function.arguments };
  }
  if (type === 'custom' && call.custom !== undefined) {
    return { id: call.id, name: call.custom.name, arguments: call.custom.input };
  }
  if (type !== 'function' && type !== 'custom') {
    throw invalidParam([...path, 'type'], 'expected "function" or "custom".');
  }
  throw missingParam([...path, type]);
}
