import { z } from 'zod';
import type { SpecFrame } from './spec-stream.js';

/** ACP view of a `task-running`/`acp_event` frame (docs/monkeycode-protocol.md §6), as the spec client reads it. */
const acpSchema = z.object({
  sessionId: z.string().optional(),
  update: z
    .object({
      sessionUpdate: z.string(),
      content: z.object({ type: z.string(), text: z.string().optional() }).loose().optional(),
    })
    .loose(),
});

/** `update.sessionUpdate` of an ACP frame, or null. */
export function sessionUpdate(f: SpecFrame): string | null {
  if (f.type !== 'task-running' || f.kind !== 'acp_event') return null;
  const parsed = acpSchema.safeParse(f.decoded);
  return parsed.success ? parsed.data.update.sessionUpdate : null;
}

/** Concatenated `agent_message_chunk` text of a frame list. */
export function assistantText(frames: readonly SpecFrame[]): string {
  let out = '';
  for (const f of frames) {
    const parsed = acpSchema.safeParse(f.decoded);
    if (f.type !== 'task-running' || f.kind !== 'acp_event' || !parsed.success) continue;
    const u = parsed.data.update;
    if (u.sessionUpdate === 'agent_message_chunk' && u.content?.type === 'text') out += u.content.text ?? '';
  }
  return out;
}
