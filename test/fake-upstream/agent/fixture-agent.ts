import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { b64decodeText, tryParseJson } from '../wire/base64.js';
import { wireFrameSchema, type WireFrame } from '../wire/frames.js';
import type { Agent, AgentStep } from './agent-types.js';
import { paced } from './agent-steps.js';

/** Directory of the shared recorded-frame fixtures. */
export const FIXTURE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'monkeycode',
);

/** Parses a `*.frames.jsonl` text: one server → client wire frame per line (blank lines skipped). */
export function parseFrames(text: string): WireFrame[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = wireFrameSchema.safeParse(tryParseJson(line));
      if (!parsed.success)
        throw new Error(`fixture line ${i + 1} is not a wire frame: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Reads `test/fixtures/monkeycode/<name>.frames.jsonl`. */
export function loadFixture(name: string): WireFrame[] {
  return parseFrames(readFileSync(join(FIXTURE_DIR, `${name}.frames.jsonl`), 'utf8'));
}

const askPayload = z.object({ toolCall: z.object({ toolCallId: z.string() }) });

/** Frames the server itself produces around a turn; a fixture played as a script skips them. */
const SERVER_SIDE = new Set(['ping', 'user-input', 'cursor', 'error', 'reply-question', 'user-cancel']);

/**
 * Turns recorded frames into turn steps: agent frames are re-emitted with their exact `data`,
 * `kind` and `seq` (timestamps become live); `acp_ask_user_question` becomes a blocking ask.
 */
export function stepsFromFrames(frames: readonly WireFrame[]): AgentStep[] {
  const steps: AgentStep[] = [];
  for (const f of frames) {
    if (SERVER_SIDE.has(f.type)) continue;
    if (f.type === 'task-running' && f.kind === 'acp_ask_user_question' && f.data !== null) {
      const decoded = askPayload.safeParse(tryParseJson(b64decodeText(f.data) ?? ''));
      if (decoded.success) {
        const ask: AgentStep = { kind: 'ask', toolCallId: decoded.data.toolCall.toolCallId, data: f.data };
        steps.push(f.seq === undefined ? ask : { ...ask, seq: f.seq });
        continue;
      }
    }
    const step: AgentStep = {
      kind: 'emit',
      type: f.type,
      frameKind: f.kind,
      data: f.data,
      persist: f.type !== 'task-event',
    };
    steps.push(f.seq === undefined ? step : { ...step, seq: f.seq });
  }
  return steps;
}

/** An agent that plays the same recorded frames on every turn. */
export function agentFromFrames(frames: readonly WireFrame[], options: { stepDelayMs?: number } = {}): Agent {
  const steps = stepsFromFrames(frames);
  return () => paced(steps, options.stepDelayMs ?? 0);
}

/** An agent that plays a named fixture on every turn. */
export function agentFromFixture(name: string, options: { stepDelayMs?: number } = {}): Agent {
  return agentFromFrames(loadFixture(name), options);
}
