import { z } from 'zod';
import { UpstreamFailure } from '../errors.js';
import type { UpstreamEvent } from '../types.js';
import { mapAcpNotification, mapAskUserQuestion } from './acp-events.js';
import { cleanUpstreamMessage } from './error-codes.js';
import { frameText, type FrameData, type WireFrame } from './frame-codec.js';

/** What one server frame means for the running turn. */
export type FrameAction =
  | { type: 'ignore' }
  | { type: 'ping' }
  /** The turn exists: echo/replay of the user input, or `task-started`. */
  | { type: 'started' }
  /** Agent output; `questionId` is set when the agent waits for an answer. */
  | { type: 'events'; events: UpstreamEvent[]; questionId: string | null }
  | { type: 'ended' }
  | { type: 'failed'; error: UpstreamFailure };

/**
 * Interpret a decoded frame (docs/monkeycode-protocol.md §5.4). `task-ended` ends the turn; `task-error` and `error` fail it;
 * `cursor`, `reply-question`, `user-cancel`, `task-event` and unknown types are ignored.
 */
export function interpretFrame(frame: WireFrame): FrameAction {
  switch (frame.type) {
    case 'ping':
      return { type: 'ping' };
    case 'user-input':
    case 'task-started':
      return { type: 'started' };
    case 'task-running':
      return interpretRunning(frame);
    case 'task-ended':
      return { type: 'ended' };
    case 'task-error':
      return failed(`agent error: ${taskErrorText(frame.data)}`);
    case 'error':
      // docs/monkeycode-protocol.md §5.4: server-side failure; `data` is a JSON string such as "no virtual machine or host for task".
      return failed(`task stream error: ${textOr(frame.data, 'unspecified')}`);
    default:
      return { type: 'ignore' };
  }
}

function failed(message: string): FrameAction {
  return { type: 'failed', error: new UpstreamFailure('task-failed', message) };
}

function interpretRunning(frame: WireFrame): FrameAction {
  if (frame.data.form !== 'json') return { type: 'ignore' };
  if (frame.kind === 'acp_ask_user_question') {
    const ask = mapAskUserQuestion(frame.data.value);
    if (!ask) return { type: 'ignore' };
    return {
      type: 'events',
      events: [{ type: 'tool-activity', ...ask.activity }],
      questionId: ask.questionId,
    };
  }
  const outcome = mapAcpNotification(frame.data.value);
  if (outcome.events.length === 0 && outcome.questionId === null) return { type: 'ignore' };
  return { type: 'events', events: outcome.events, questionId: outcome.questionId };
}

// docs/monkeycode-protocol.md §5.4: the web client reads `details`, the desktop client `error`.
const taskErrorSchema = z.object({
  details: z.string().nullish(),
  error: z.string().nullish(),
  message: z.string().nullish(),
});

function taskErrorText(data: FrameData): string {
  if (data.form === 'json') {
    const parsed = taskErrorSchema.safeParse(data.value);
    const text = parsed.success ? parsed.data.details || parsed.data.error || parsed.data.message : null;
    if (text) return cleanUpstreamMessage(text);
  }
  return textOr(data, 'unspecified');
}

function textOr(data: FrameData, fallback: string): string {
  const text = frameText(data);
  return text ? cleanUpstreamMessage(text) : fallback;
}
