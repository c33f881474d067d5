import { z } from 'zod';
import {
  invalidParam,
  parseAt,
  unsupportedParam,
  type ChatMessage,
  type ChatToolCall,
  type ParamPath,
} from '../openai/index.js';

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system'], { error: 'expected "user" or "assistant"' }),
  content: z.union([z.string(), z.array(z.unknown())], {
    error: 'expected a string or an array of content blocks',
  }),
});
const blockSchema = z.looseObject({ type: z.string() });
const textBlock = z.looseObject({ text: z.string() });
const toolUseBlock = z.looseObject({ id: z.string(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.looseObject({
  tool_use_id: z.string(),
  content: z
    .union([z.string(), z.array(z.unknown())], { error: 'expected a string or an array of content blocks' })
    .nullish(),
});
const thinkingBlock = z.looseObject({ thinking: z.string() });
const redactedThinkingBlock = z.looseObject({ data: z.string() });

/** Blocks that carry something other than text: the upstream agent receives text only. */
const NON_TEXT_BLOCKS: ReadonlySet<string> = new Set(['image', 'document']);

function refuseNonText(type: string, path: ParamPath): never {
  if (NON_TEXT_BLOCKS.has(type))
    throw unsupportedParam(
      path,
      `${type} content blocks are not supported; the upstream agent accepts text only.`,
    );
  throw invalidParam([...path, 'type'], `unexpected content block type "${type}".`);
}

/** The text of a string or an array of text blocks (`system`, a `tool_result`'s content). */
export function blocksText(
  content: string | readonly unknown[] | null | undefined,
  path: ParamPath,
  joiner = '\n',
): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((raw, index) => {
      const at = [...path, index];
      const { type } = parseAt(blockSchema, raw, at);
      return type === 'text' ? parseAt(textBlock, raw, at).text : refuseNonText(type, at);
    })
    .join(joiner);
}

/**
 * `messages[index]` as relaypool's conversation: a user message may become several (each
 * `tool_result` is a tool message, like chat's; consecutive text blocks one user message); an
 * assistant message is one, its text blocks concatenated (relaypool's own answer arrives split
 * around thinking blocks) and its `tool_use` blocks as tool calls. Thinking blocks are the model's
 * private reasoning and are accepted without a trace, like Responses `reasoning` items: the task
 * that holds the conversation has it already, and a replay does not need it. Images and documents
 * are a 400 naming the block.
 */
export function normalizeMessage(raw: unknown, index: number): ChatMessage[] {
  const path = ['messages', index] as const;
  const message = parseAt(messageSchema, raw, path);
  const contentPath = [...path, 'content'];
  if (message.role === 'system') return [chatMessage('system', blocksText(message.content, contentPath))];
  if (typeof message.content === 'string') return [chatMessage(message.role, message.content)];
  return message.role === 'user'
    ? userMessages(message.content, contentPath)
    : [assistantMessage(message.content, contentPath)];
}

function chatMessage(role: ChatMessage['role'], text: string, toolCallId: string | null = null): ChatMessage {
  return { role, text, name: null, toolCallId, toolCalls: [] };
}

function userMessages(blocks: readonly unknown[], path: ParamPath): ChatMessage[] {
  const out: ChatMessage[] = [];
  blocks.forEach((raw, index) => {
    const at = [...path, index];
    const { type } = parseAt(blockSchema, raw, at);
    if (type === 'text') {
      const text = parseAt(textBlock, raw, at).text;
      const last = out[out.length - 1];
      if (last?.role === 'user') last.text += `\n${text}`;
      else out.push(chatMessage('user', text));
    } else if (type === 'tool_result') {
      const result = parseAt(toolResultBlock, raw, at);
      out.push(chatMessage('tool', blocksText(result.content, [...at, 'content']), result.tool_use_id));
    } else refuseNonText(type, at);
  });
  return out.length === 0 ? [chatMessage('user', '')] : out;
}

function assistantMessage(blocks: readonly unknown[], path: ParamPath): ChatMessage {
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  blocks.forEach((raw, index) => {
    const at = [...path, index];
    const { type } = parseAt(blockSchema, raw, at);
    if (type === 'text') text += parseAt(textBlock, raw, at).text;
    else if (type === 'tool_use') {
      const use = parseAt(toolUseBlock, raw, at);
      toolCalls.push({ id: use.id, name: use.name, arguments: JSON.stringify(use.input ?? {}) });
    } else if (type === 'thinking') parseAt(thinkingBlock, raw, at);
    else if (type === 'redacted_thinking') parseAt(redactedThinkingBlock, raw, at);
    else refuseNonText(type, at);
  });
  return { role: 'assistant', text, name: null, toolCallId: null, toolCalls };
}
