import type { UpstreamEvent } from '../types.js';
import { upstreamFailure } from '../errors.js';
import type { RuntimeRunEvent } from './runtime-api.js';

/**
 * The run log of one `agent-chats` answer as upstream events (docs/upstream/notes/001-runtime-api.md §3.1).
 * The `type` vocabulary is undocumented, so events are read by their fields: `tool_name` is tool
 * activity, a non-empty `error` with no output fails the turn. The top-level `output` is the
 * answer; `delta`s are only a fallback when it is empty.
 */
export function* runEventsToUpstream(
  events: readonly RuntimeRunEvent[],
  output: string,
): Generator<UpstreamEvent, void, void> {
  let tool = 0;
  let deltas = '';
  let error: string | null = null;
  for (const event of events) {
    const type = event.type.toLowerCase();
    if (event.tool_name) {
      const done = event.result !== undefined && event.result !== null;
      yield {
        type: 'tool-activity',
        id: `${event.run_id ?? 'run'}-tool-${done ? tool : ++tool}`,
        title: event.tool_name,
        kind: event.tool_name,
        status: done || type.includes('result') ? 'completed' : 'in_progress',
        inputSummary: null,
      };
    } else if (typeof event.delta === 'string' && /reason|think/.test(type)) {
      yield { type: 'reasoning', text: event.delta };
    } else if (typeof event.delta === 'string') {
      deltas += event.delta;
    }
    if (event.error !== undefined && event.error !== null && event.error !== '')
      error = typeof event.error === 'string' ? event.error : JSON.stringify(event.error);
  }
  const text = output !== '' ? output : deltas;
  if (text === '' && error !== null) throw runFailure(error);
  if (text !== '') yield { type: 'text', text };
}

function runFailure(message: string) {
  return upstreamFailure('task-failed', `runtime-api agent run failed: ${message.slice(0, 200)}`);
}
