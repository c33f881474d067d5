import { b64json } from '../wire/base64.js';
import type { AgentStep } from './agent-types.js';

/** Step builders for turn scripts (docs/monkeycode-protocol.md §5.4, §6). */

/** `task-started` (kind `acp_event`, data null). */
export function started(): AgentStep {
  return { kind: 'emit', type: 'task-started', frameKind: 'acp_event', data: null };
}

/** `task-ended` (kind `acp_event`); `payload` optional (usually null). */
export function ended(payload?: unknown): AgentStep {
  return {
    kind: 'emit',
    type: 'task-ended',
    frameKind: 'acp_event',
    data: payload === undefined ? null : b64json(payload),
  };
}

/** A `task-running`/`acp_event` frame carrying `{sessionId, update}`. `sessionId: null` omits it. */
export function update(updateBody: Record<string, unknown>, sessionId: string | null = 'ses_1'): AgentStep {
  const payload = sessionId === null ? { update: updateBody } : { sessionId, update: updateBody };
  return { kind: 'emit', type: 'task-running', frameKind: 'acp_event', data: b64json(payload) };
}

/** `agent_message_chunk` with a text block. */
export function messageChunk(text: string): AgentStep {
  return update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });
}

/** `agent_thought_chunk` with a text block. */
export function thoughtChunk(text: string): AgentStep {
  return update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text } });
}

/** `tool_call` start. */
export function toolCall(toolCallId: string, title: string, kind: string, rawInput: unknown): AgentStep {
  return update({ sessionUpdate: 'tool_call', toolCallId, title, kind, status: 'pending', rawInput });
}

/** `tool_call_update` with a terminal status and output. */
export function toolCallUpdate(toolCallId: string, status: string, rawOutput: unknown): AgentStep {
  return update({ sessionUpdate: 'tool_call_update', toolCallId, status, rawOutput });
}

/** `usage_update` (context-window occupancy, not billing). */
export function usageUpdate(used: number, size = 200_000): AgentStep {
  return update({ sessionUpdate: 'usage_update', used, size });
}

/** Agent-side `task-error`; carries both `details` (web) and `error` (desktop). */
export function taskError(details: string): AgentStep {
  return {
    kind: 'emit',
    type: 'task-error',
    frameKind: 'acp_event',
    data: b64json({ error: details, details }),
  };
}

/** Transient `task-event` (not persisted, never replayed); proxies ignore it. */
export function taskEvent(kind: string, payload: unknown): AgentStep {
  return { kind: 'emit', type: 'task-event', frameKind: kind, data: b64json(payload), persist: false };
}

/** A question as the agent's question tool sends it. */
export interface AskQuestion {
  question: string;
  header?: string;
  options: { label: string; description?: string }[];
  multiSelect?: boolean;
}

/** `acp_ask_user_question` that blocks until `reply-question` with `request_id = toolCallId`. */
export function ask(
  toolCallId: string,
  questions: AskQuestion[],
  then?: Extract<AgentStep, { kind: 'ask' }>['then'],
): AgentStep {
  const payload = {
    toolCall: {
      toolCallId,
      title: 'AskUserQuestion',
      kind: 'other',
      status: 'pending',
      rawInput: { questions },
    },
  };
  const step: AgentStep = { kind: 'ask', toolCallId, data: b64json(payload) };
  return then === undefined ? step : { ...step, then };
}

/** Wait `ms` before the next step. */
export function delay(ms: number): AgentStep {
  return { kind: 'delay', ms };
}

/** Explicit billed usage for `stats`. */
export function usage(inputTokens: number, outputTokens: number, llmRequests = 1): AgentStep {
  return { kind: 'usage', inputTokens, outputTokens, llmRequests };
}

/** The agent stops (turn never ends); pings continue. */
export function hang(): AgentStep {
  return { kind: 'hang' };
}

/** The agent stops and sockets watching the task go silent (no pings either). */
export function stall(): AgentStep {
  return { kind: 'stall' };
}

/** Splits `text` into `parts` roughly equal chunks on code-point boundaries. */
export function splitText(text: string, parts: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length === 0 ? [''] : out;
}

/** Inserts `delay(ms)` between steps (nothing when `ms` is 0). */
export function paced(steps: AgentStep[], ms: number): AgentStep[] {
  if (ms <= 0) return steps;
  return steps.flatMap((s, i) => (i === 0 ? [s] : [delay(ms), s]));
}
