import { steps, type Agent } from '../../test/fake-upstream/index.js';
import type { AgentKind } from '../ipc/messages.js';

/** The benchmark reply: fixed size, fixed chunking, so every run relays the same bytes. */
export interface ReplyShape {
  /** Characters in the reply. */
  chars: number;
  /** Number of `agent_message_chunk` frames it is split into. */
  chunks: number;
}

/** The reply text for a shape (ASCII, deterministic). */
export function replyText(shape: ReplyShape): string {
  const unit = 'relaypool benchmark reply. ';
  return unit.repeat(Math.ceil(shape.chars / unit.length)).slice(0, shape.chars);
}

function chunked(shape: ReplyShape): string[] {
  const text = replyText(shape);
  const size = Math.ceil(text.length / shape.chunks);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

/**
 * Agents of the bench profile:
 * - `fixed`: the reply at once (no step delays), then `task-ended` — proxy overhead, not agent time;
 * - `paced`: the same reply with `paceMs` between chunks — a turn that holds its slot for a while;
 * - `slow`: one chunk, then the agent waits forever (pings go on) — open streams for memory.
 */
export function benchAgent(kind: AgentKind, shape: ReplyShape, paceMs: number): Agent {
  const parts = chunked(shape);
  return () => {
    if (kind === 'slow') return [steps.started(), steps.messageChunk(parts[0] ?? 'x'), steps.hang()];
    const body = parts.map((part) => steps.messageChunk(part));
    const paced = kind === 'paced' ? steps.paced(body, paceMs) : body;
    return [steps.started(), ...paced, steps.ended()];
  };
}
