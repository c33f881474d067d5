/**
 * The normalized conversation: what every client message means once its wire variations (string or
 * part-array content, legacy `function` role and `function_call`, refusals) are folded away. Kept on
 * `ChatRequest` so conversation continuity can hash and compare message prefixes.
 */

/** Roles after normalization; the legacy `function` role becomes `tool` (with `name`). */
export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A tool call the client's earlier assistant turn made (history only; rendered as text). */
export interface ChatToolCall {
  /** Null for legacy `function_call`, which has no id. */
  id: string | null;
  name: string;
  /** The arguments (function) or input (custom tool), verbatim. */
  arguments: string;
}

/** One message of the conversation, text only. */
export interface ChatMessage {
  role: ChatRole;
  /** All text parts joined with `\n`; `''` when the message had none (e.g. tool calls only). */
  text: string;
  /** The participant or function name, when given. */
  name: string | null;
  /** For `tool` messages answering a tool call. */
  toolCallId: string | null;
  /** For `assistant` messages; empty otherwise. */
  toolCalls: ChatToolCall[];
}
