import type { ChatMessage } from './chat-message.js';
import { renderFollowUp } from './render-conversation.js';

/**
 * Conversation continuity, the OpenAI side: where a resent conversation picks up after relaypool's
 * last answer, and a canonical form of messages to hash so the conversation layer can recognise a
 * prefix it answered before (docs/architecture.md §3 step 3).
 */

/** A resent conversation split at its last assistant message. */
export interface ConversationSplit {
  /** Messages up to and including the last assistant message; null when there is none. */
  answered: ChatMessage[] | null;
  /** The text of one more turn on the task holding `answered`: the messages after it, rendered. */
  followUpText: string;
}

/** Split a conversation at its last assistant message. */
export function splitAtLastAnswer(messages: readonly ChatMessage[]): ConversationSplit {
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'assistant') {
      last = i;
      break;
    }
  }
  const rest = messages.slice(last + 1);
  const newTurn = rest.some((message) => message.role !== 'system' && message.role !== 'developer');
  if (last < 0 || !newTurn) return { answered: null, followUpText: '' };
  return { answered: messages.slice(0, last + 1), followUpText: renderFollowUp(rest) };
}

const THINK_BLOCK = /<think>[\s\S]*?<\/think>/g;
const TOOL_NOTE_LINE = /^> \[tool\] .*$/gm;

/**
 * The assistant text as relaypool produced it, whatever the presentation the client saw: reasoning
 * in `<think>` tags (openai.reasoning `think-tags`) and `> [tool] …` notes (openai.toolActivity
 * `text`) are dropped, whitespace is collapsed — clients often trim or re-wrap what they resend.
 */
export function canonicalAnswer(text: string): string {
  return collapse(text.replace(THINK_BLOCK, ' ').replace(TOOL_NOTE_LINE, ' '));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** One string per message, equal for messages that mean the same conversation turn. */
export function canonicalMessages(messages: readonly ChatMessage[]): string[] {
  return messages.map((message) =>
    JSON.stringify([
      message.role,
      message.name,
      message.toolCallId,
      message.role === 'assistant' ? canonicalAnswer(message.text) : collapse(message.text),
      message.toolCalls.map((call) => [call.id, call.name, call.arguments]),
    ]),
  );
}

/** An assistant message holding `text`, as a client would resend relaypool's answer. */
export function answerMessage(text: string): ChatMessage {
  return { role: 'assistant', text, name: null, toolCallId: null, toolCalls: [] };
}
