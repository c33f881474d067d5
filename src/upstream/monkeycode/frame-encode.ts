import { UpstreamFailure } from '../errors.js';

/** docs/monkeycode-protocol.md §5.1: the server's read limit per client message (coder/websocket default); larger closes 1009. */
export const MAX_CLIENT_FRAME_BYTES = 32 * 1024;

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A client frame; docs/monkeycode-protocol.md §5.2: `data` is always base64 of the JSON payload (omitted when there is none). */
export function encodeClientFrame(type: string, payload?: unknown): string {
  if (payload === undefined) return JSON.stringify({ type });
  return JSON.stringify({ type, data: base64(JSON.stringify(payload)) });
}

/**
 * docs/monkeycode-protocol.md §5.3 `user-input`: the text is base64-encoded inside the JSON payload, which is base64-encoded
 * again as `data`. Throws `input-too-large` when the frame would exceed 32 KiB — long text belongs
 * in the task `content` instead.
 */
export function encodeUserInput(text: string): string {
  return assertFrameFits(encodeClientFrame('user-input', { content: base64(text), attachments: [] }));
}

/** Whether `encodeUserInput(text)` would fit in one frame. */
export function fitsUserInput(text: string): boolean {
  const frame = encodeClientFrame('user-input', { content: base64(text), attachments: [] });
  return Buffer.byteLength(frame, 'utf8') <= MAX_CLIENT_FRAME_BYTES;
}

/**
 * docs/monkeycode-protocol.md §5.3/§6.2 `reply-question`: `request_id` is the question's `toolCall.toolCallId`. With
 * `answers` null the question is declined (`cancelled: true`).
 */
export function encodeReplyQuestion(
  requestId: string,
  answers: Record<string, string | string[]> | null,
): string {
  const payload = {
    request_id: requestId,
    answers_json: JSON.stringify(answers ?? {}),
    cancelled: answers === null,
  };
  return assertFrameFits(encodeClientFrame('reply-question', payload));
}

/** Refuse a frame the server would reject with close 1009. */
export function assertFrameFits(frame: string): string {
  const bytes = Buffer.byteLength(frame, 'utf8');
  if (bytes > MAX_CLIENT_FRAME_BYTES) {
    throw new UpstreamFailure(
      'input-too-large',
      `message is too long for a follow-up turn (${bytes} bytes encoded, limit ${MAX_CLIENT_FRAME_BYTES})`,
    );
  }
  return frame;
}
