import { z } from 'zod';
import type { UpstreamEvent } from '../types.js';

/** docs/upstream/notes/003-aeio.md §5.3 Step object (fields relaypool reads). */
export const stepSchema = z.looseObject({
  id: z.number().optional(),
  message_id: z.number(),
  iteration: z.number().nullish(),
  status: z.string(),
  reasoning_content: z.string().nullish(),
  tool_name: z.string().nullish(),
  tool_arguments: z.unknown().optional(),
  tool_call_id: z.string().nullish(),
  tool_error: z.string().nullish(),
});
export type Step = z.infer<typeof stepSchema>;

/** Event names that carry a step (docs/upstream/notes/003-aeio.md §5.3). */
export const STEP_EVENTS = new Set([
  'thinking',
  'thinking_delta',
  'tool_calling',
  'tool_executing',
  'tool_completed',
  'failed',
  'completed',
]);

/** `data` of a step event: `{"type":"step","data":Step}`. */
export const stepEventData = z.looseObject({ type: z.literal('step'), data: stepSchema });
/** `data` of an `error` event. */
export const errorEventData = z.looseObject({ error: z.string() });

const TOOL_STATUS: Readonly<Record<string, string>> = {
  tool_calling: 'pending',
  tool_executing: 'in_progress',
  tool_completed: 'completed',
  failed: 'failed',
};

function summary(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const line = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s+/g, ' ').trim();
  return line === '' ? null : line.slice(0, 120);
}

/**
 * Turns one message's steps into reasoning deltas and tool activity. docs/upstream/notes/003-aeio.md §5.3: `reasoning_content` is
 * cumulative per iteration, so only what extends the text already sent is new.
 */
export class StepTranslator {
  #iteration: number | null = null;
  #sent = '';

  /** The events one step event (`event:` name and its step) of our message adds. */
  *events(event: string, step: Step): Generator<UpstreamEvent, void, void> {
    const reasoning = step.reasoning_content ?? '';
    if (
      (event === 'thinking' || event === 'thinking_delta' || event === 'tool_calling') &&
      reasoning !== ''
    ) {
      const iteration = step.iteration ?? null;
      if (iteration !== this.#iteration || !reasoning.startsWith(this.#sent)) {
        this.#iteration = iteration;
        this.#sent = '';
      }
      const fresh = reasoning.slice(this.#sent.length);
      this.#sent = reasoning;
      if (fresh !== '') yield { type: 'reasoning', text: fresh };
    }
    const status = TOOL_STATUS[event];
    if (status !== undefined && step.tool_name) {
      yield {
        type: 'tool-activity',
        id: step.tool_call_id ?? `step-${step.id ?? 0}`,
        title: step.tool_name,
        kind: step.tool_name,
        status,
        inputSummary: status === 'pending' ? summary(step.tool_arguments) : null,
      };
    }
  }
}
