import type { ChatMessage } from './chat-message.js';
import { escapeAttribute, escapeBody } from './transcript-escape.js';

/**
 * How relaypool turns chat messages into the one prompt an upstream task starts with. Exported so
 * the README can quote it.
 */
export const CONVERSATION_FORMAT_DESCRIPTION = [
  "System and developer messages become the task's system prompt (joined by blank lines, in order).",
  "A conversation that is a single user message is sent as that message's plain text.",
  'Anything longer is sent as a transcript: one line explaining the escaping, then a <conversation>',
  'element holding one <message role="user|assistant|tool"> block per message, oldest first',
  '(optional attributes name and tool_call_id; legacy function messages are role "tool" with a name);',
  "an assistant's earlier tool calls appear inside its block as",
  '<tool_call id="…" name="…">arguments</tool_call>. Inside blocks, a "<" that would start one of',
  'these tags is written "&lt;" and an "&" that would start "&lt;" or "&amp;" is written "&amp;",',
  'so message text can never open or close a block; everything else is verbatim. Attribute values are',
  'XML-escaped. A last line asks the agent to answer the last user message (or, when the conversation',
  'does not end with a user message, to continue it as the assistant).',
].join(' ');

const PREAMBLE =
  'Below is the conversation so far, oldest message first. ' +
  'In message text, "&lt;" stands for "<" and "&amp;" for "&".';
const ANSWER_USER =
  'Reply to the last user message as the assistant. Write only your reply, without <message> markup.';
const CONTINUE =
  'Continue the conversation as the assistant, taking the last message into account. ' +
  'Write only your reply, without <message> markup.';

/**
 * Render the non-system messages into a task's `content`:
 *
 * ```text
 * Below is the conversation so far, oldest message first. In message text, "&lt;" stands for "<" and "&amp;" for "&".
 * <conversation>
 * <message role="user">
 * Read main.go
 * </message>
 * <message role="assistant">
 * Sure.
 * <tool_call id="call_1" name="read">
 * {"path":"main.go"}
 * </tool_call>
 * </message>
 * <message role="tool" tool_call_id="call_1">
 * package main
 * </message>
 * <message role="user">
 * What does it do?
 * </message>
 * </conversation>
 * Reply to the last user message as the assistant. Write only your reply, without <message> markup.
 * ```
 *
 * A lone user message is its plain text, with no wrapper; no messages at all render as `''`.
 * When the last message is not a user message the closing line asks the agent to continue
 * instead. System/developer messages are skipped here (they are the system prompt).
 */
export function renderConversation(messages: readonly ChatMessage[]): string {
  return renderTranscript(PREAMBLE, messages);
}

const FOLLOW_UP_PREAMBLE =
  'New messages since your last reply, oldest first. ' +
  'In message text, "&lt;" stands for "<" and "&amp;" for "&".';

/**
 * The text of one more turn on a task that already holds the conversation: only the messages
 * after relaypool's last answer. A lone user message is its plain text; anything else (several
 * messages, tool results) uses the transcript format above with its own first line.
 */
export function renderFollowUp(messages: readonly ChatMessage[]): string {
  return renderTranscript(FOLLOW_UP_PREAMBLE, messages);
}

function renderTranscript(preamble: string, messages: readonly ChatMessage[]): string {
  const turns = messages.filter((message) => message.role !== 'system' && message.role !== 'developer');
  const only = turns[0];
  if (only === undefined) return '';
  if (turns.length === 1 && only.role === 'user') return only.text;
  const closing = turns[turns.length - 1]?.role === 'user' ? ANSWER_USER : CONTINUE;
  return [preamble, '<conversation>', ...turns.map(renderMessage), '</conversation>', closing].join('\n');
}

/**
 * A new conversation's first turn sent to a pre-booted (warm) task, which was created without the
 * request's system prompt: the instructions lead the text instead.
 */
export function inlineInstructions(systemPrompt: string | null, content: string): string {
  if (systemPrompt === null) return content;
  return [
    'Instructions for this conversation (follow them as your system prompt):',
    '<instructions>',
    systemPrompt,
    '</instructions>',
    '',
    content,
  ].join('\n');
}

/** The system prompt: system and developer texts in order, joined by blank lines; null if none. */
export function renderSystemPrompt(messages: readonly ChatMessage[]): string | null {
  const texts = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => message.text)
    .filter((text) => text.trim() !== '');
  return texts.length === 0 ? null : texts.join('\n\n');
}

function renderMessage(message: ChatMessage): string {
  const attributes = [`role="${message.role}"`];
  if (message.name !== null) attributes.push(`name="${escapeAttribute(message.name)}"`);
  if (message.toolCallId !== null) attributes.push(`tool_call_id="${escapeAttribute(message.toolCallId)}"`);
  const lines = [`<message ${attributes.join(' ')}>`];
  if (message.text !== '') lines.push(escapeBody(message.text));
  for (const call of message.toolCalls) {
    const id = call.id === null ? '' : ` id="${escapeAttribute(call.id)}"`;
    lines.push(
      `<tool_call${id} name="${escapeAttribute(call.name)}">`,
      escapeBody(call.arguments),
      '</tool_call>',
    );
  }
  lines.push('</message>');
  return lines.join('\n');
}
