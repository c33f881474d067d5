import { z } from 'zod';
import { b64decodeText, tryParseJson } from '../wire/base64.js';
import type { WireFrame } from '../wire/frames.js';

const acpText = z.object({
  update: z.object({
    sessionUpdate: z.string(),
    content: z.object({ type: z.string(), text: z.string().optional() }).optional(),
  }),
});

/** What a turn produced, for the estimated `stats` (tokens ≈ chars / 4). */
export interface TurnOutput {
  chars: number;
  toolCalls: number;
}

/** Adds one emitted frame's text and tool calls to `acc`. */
export function accumulateOutput(acc: TurnOutput, frame: WireFrame): void {
  if (frame.type !== 'task-running' || frame.kind !== 'acp_event' || frame.data === null) return;
  const parsed = acpText.safeParse(tryParseJson(b64decodeText(frame.data) ?? ''));
  if (!parsed.success) return;
  const { sessionUpdate, content } = parsed.data.update;
  if (sessionUpdate === 'tool_call') acc.toolCalls++;
  if (
    (sessionUpdate === 'agent_message_chunk' || sessionUpdate === 'agent_thought_chunk') &&
    content?.text !== undefined
  ) {
    acc.chars += content.text.length;
  }
}

/** The tokens the fake bills for `chars` characters (its own rule, not relaypool's estimate). */
export function billedTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
