import { z } from 'zod';
import type { ToolActivity, UpstreamEvent } from '../types.js';

const toolSchema = z.object({
  toolCallId: z.string().min(1),
  title: z.string().nullish(),
  kind: z.string().nullish(),
  status: z.string().nullish(),
  rawInput: z.unknown().optional(),
  _meta: z.unknown().optional(),
});
type ToolCall = z.infer<typeof toolSchema>;

/** What one ACP notification means for the turn. */
export interface AcpOutcome {
  /** Zero or one event. */
  events: UpstreamEvent[];
  /** Set when the agent is waiting for an answer (docs/monkeycode-protocol.md §6.2 ask-user-question as a `tool_call`). */
  questionId: string | null;
}

const NOTHING: AcpOutcome = { events: [], questionId: null };

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Map an ACP session update (docs/monkeycode-protocol.md §6) to upstream events: `agent_message_chunk` (text blocks) → `text`,
 * `agent_thought_chunk` → `reasoning`, `tool_call`/`tool_call_update` → `tool-activity`.
 * docs/monkeycode-protocol.md §9.2 item 4: `usage_update` is context occupancy, not billed tokens — no event. Unknown variants
 * are ignored (the agent grows new ones).
 */
export function mapAcpNotification(payload: unknown): AcpOutcome {
  // docs/monkeycode-protocol.md §6.1: `{sessionId?, update: {sessionUpdate, …}}`; dispatch on `update.sessionUpdate`.
  const update: unknown = isObject(payload) ? Reflect.get(payload, 'update') : undefined;
  if (!isObject(update)) return NOTHING;
  const variant: unknown = Reflect.get(update, 'sessionUpdate');
  switch (variant) {
    case 'agent_message_chunk':
    case 'agent_thought_chunk': {
      const text = chunkText(update);
      if (text === null) return NOTHING;
      return {
        events: [{ type: variant === 'agent_message_chunk' ? 'text' : 'reasoning', text }],
        questionId: null,
      };
    }
    case 'tool_call':
    case 'tool_call_update': {
      const tool = toolSchema.safeParse(update);
      if (!tool.success) return NOTHING;
      return {
        events: [{ type: 'tool-activity', ...toToolActivity(tool.data) }],
        questionId: pendingQuestionId(tool.data),
      };
    }
    default:
      return NOTHING;
  }
}

/**
 * docs/monkeycode-protocol.md §6.2: a message or thought chunk's text, when its `content` is a non-empty `text` block (other
 * blocks, e.g. images, are not shown). Checked by hand, not with a schema: chunks are nearly every
 * frame of a turn.
 */
function chunkText(update: object): string | null {
  const content: unknown = Reflect.get(update, 'content');
  if (!isObject(content) || Reflect.get(content, 'type') !== 'text') return null;
  const text: unknown = Reflect.get(content, 'text');
  return typeof text === 'string' && text !== '' ? text : null;
}

const askSchema = z.object({ toolCall: toolSchema });

/**
 * docs/monkeycode-protocol.md §5.4 `task-running` with kind `acp_ask_user_question`: `{"toolCall":{toolCallId,…}}`.
 * Returns the activity to report and the id to answer (docs/monkeycode-protocol.md §9.2 item 5: `request_id = toolCallId`).
 */
export function mapAskUserQuestion(payload: unknown): { activity: ToolActivity; questionId: string } | null {
  const ask = askSchema.safeParse(payload);
  if (!ask.success) return null;
  const activity = toToolActivity(ask.data.toolCall);
  return {
    activity: { ...activity, kind: activity.kind ?? 'question' },
    questionId: ask.data.toolCall.toolCallId,
  };
}

const TERMINAL = new Set(['completed', 'failed', 'error', 'cancelled']);
const questionsSchema = z.object({ questions: z.array(z.unknown()).min(1) });
const metaSchema = z.object({ askUserQuestion: questionsSchema });

// docs/monkeycode-protocol.md §6.2: the question tool may also arrive as an ordinary tool_call with `rawInput.questions`
// (or `_meta.askUserQuestion.questions`); only a still-open one needs an answer.
function pendingQuestionId(tool: ToolCall): string | null {
  if (tool.status && TERMINAL.has(tool.status)) return null;
  const asks = questionsSchema.safeParse(tool.rawInput).success || metaSchema.safeParse(tool._meta).success;
  return asks ? tool.toolCallId : null;
}

function toToolActivity(tool: ToolCall): ToolActivity {
  return {
    id: tool.toolCallId,
    title: tool.title ?? null,
    kind: tool.kind ?? null,
    status: tool.status ?? null,
    inputSummary: summarizeInput(tool.rawInput),
  };
}

const SUMMARY_KEYS = [
  'command',
  'cmd',
  'path',
  'file_path',
  'filePath',
  'pattern',
  'query',
  'url',
  'description',
];
const MAX_SUMMARY = 160;

/** A short single-line description of a tool's `rawInput` (a path, a command), or null. */
export function summarizeInput(rawInput: unknown): string | null {
  if (rawInput === undefined || rawInput === null) return null;
  let text: string | undefined;
  if (typeof rawInput === 'string') text = rawInput;
  else if (typeof rawInput === 'object') {
    const key = SUMMARY_KEYS.find((name) => typeof Reflect.get(rawInput, name) === 'string');
    const value: unknown = key === undefined ? undefined : Reflect.get(rawInput, key);
    text = typeof value === 'string' ? value : JSON.stringify(rawInput);
  }
  if (!text) return null;
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length === 0 || line === '{}') return null;
  return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}
