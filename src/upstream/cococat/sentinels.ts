import { upstreamFailure, type AnyUpstreamFailure } from '../errors.js';

/**
 * cococat v1 reports agent failures as HTTP 200 replies with fixed texts (docs/upstream/cococat.md
 * docs/upstream/notes/002-cococat.md §4.1); these are errors, not answers.
 */
const SENTINELS: ReadonlyMap<string, () => AnyUpstreamFailure> = new Map([
  [
    'System busy, please try again later.',
    () => upstreamFailure('no-capacity', 'cococat: the agent run timed out (system busy)'),
  ],
  ['System error.', () => upstreamFailure('task-failed', 'cococat: the agent run failed (system error)')],
  ['(processing)', () => upstreamFailure('protocol', 'cococat: the agent runtime produced no reply')],
]);

/** The failure a sentinel reply stands for, or null for a real answer. */
export function replyFailure(reply: string): AnyUpstreamFailure | null {
  return SENTINELS.get(reply.trim())?.() ?? null;
}
