import { z } from 'zod';
import { upstreamFailure } from '../errors.js';
import { joinId } from '../bearer/platform.js';
import type { SseEvent } from '../bearer/sse-events.js';
import type { UpstreamEvent } from '../types.js';

/*
 * Tiangong's SSE stream (docs/upstream/notes/004-tiangong.md §5). The reference names the events (`token`,
 * `tool_call`, `tool_result`, `done` with `token_usage`, `error`) but not their payloads, so each
 * frame is read tolerantly: the name is the `event:` field, else `data.type`, else `data.event`;
 * text, usage and error fields are looked up under several common keys.
 */

const payload = z.looseObject({
  type: z.string().optional(),
  event: z.string().optional(),
  content: z.unknown().optional(),
  token: z.unknown().optional(),
  text: z.unknown().optional(),
  delta: z.unknown().optional(),
  data: z.unknown().optional(),
  id: z.union([z.string(), z.number()]).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
  tool_name: z.string().optional(),
  tool: z.string().optional(),
  arguments: z.unknown().optional(),
  args: z.unknown().optional(),
  session_id: z.string().optional(),
  sessionId: z.string().optional(),
  message: z.string().optional(),
  error: z.unknown().optional(),
  detail: z.unknown().optional(),
  token_usage: z.unknown().optional(),
  usage: z.unknown().optional(),
});
type Payload = z.infer<typeof payload>;

const usageShape = z.looseObject({
  prompt_tokens: z.number().optional(),
  completion_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
});

function firstString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === 'string') return value;
  return null;
}

function summary(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.replace(/\s+/g, ' ').trim();
  return line === '' ? null : line.slice(0, 120);
}

function usageOf(p: Payload): UpstreamEvent | null {
  const parsed = usageShape.safeParse(p.token_usage ?? p.usage);
  if (!parsed.success) return null;
  const u = parsed.data;
  const input = u.prompt_tokens ?? u.input_tokens;
  const output = u.completion_tokens ?? u.output_tokens;
  if (input === undefined && output === undefined) return null;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return {
    type: 'usage',
    inputTokens,
    outputTokens,
    totalTokens: u.total_tokens ?? inputTokens + outputTokens,
    estimated: false,
  };
}

/** The upstream events of one Tiangong turn stream; ends with `finish` or throws a failure. */
export async function* streamEventsToUpstream(
  frames: AsyncIterable<SseEvent>,
  conversation: { agentId: string; sessionId: string },
): AsyncGenerator<UpstreamEvent, void, void> {
  let taskId = joinId(conversation.agentId, conversation.sessionId);
  let started = false;
  let text = false;
  let tools = 0;
  for await (const frame of frames) {
    if (frame.data.trim() === '[DONE]') break;
    let json: unknown;
    try {
      json = JSON.parse(frame.data) as unknown;
    } catch {
      json = undefined;
    }
    const parsed = payload.safeParse(json);
    const p: Payload = parsed.success ? parsed.data : {};
    const name = (frame.event ?? p.type ?? p.event ?? (parsed.success ? 'message' : 'token')).toLowerCase();
    const session = p.session_id ?? p.sessionId;
    if (session !== undefined && session !== conversation.sessionId) {
      // docs/upstream/notes/004-tiangong.md §4.3: the server chose its own session id; continue on that one.
      conversation.sessionId = session;
      taskId = joinId(conversation.agentId, session);
      yield { type: 'task-created', taskId };
    }
    if (!started) {
      started = true;
      yield { type: 'turn-started', taskId };
    }
    if (name === 'token' || name === 'message' || name === 'delta') {
      const piece = parsed.success ? firstString(p.content, p.token, p.text, p.delta, p.data) : frame.data;
      if (piece) {
        text = true;
        yield { type: 'text', text: piece };
      }
    } else if (name === 'tool_call' || name === 'tool_result') {
      const tool = p.name ?? p.tool_name ?? p.tool ?? 'tool';
      const id = String(p.tool_call_id ?? p.id ?? `tool-${name === 'tool_call' ? ++tools : tools}`);
      const done = name === 'tool_result';
      yield {
        type: 'tool-activity',
        id,
        title: tool,
        kind: tool,
        status: done ? 'completed' : 'in_progress',
        inputSummary: done ? null : summary(p.arguments ?? p.args),
      };
    } else if (name === 'done') {
      const usage = usageOf(p);
      yield { type: 'answer-complete' };
      if (usage !== null) yield usage;
      yield { type: 'finish', taskId };
      return;
    } else if (name === 'error') {
      const said = firstString(p.message, p.error, p.detail) ?? 'the agent reported an error';
      throw upstreamFailure('task-failed', `tiangong agent error: ${said.slice(0, 200)}`);
    }
  }
  // docs/upstream/notes/004-tiangong.md §5.2 rule 6: a stream that ends without `done` was cut.
  throw upstreamFailure(text ? 'protocol' : 'network', 'the tiangong stream ended without done');
}
