import type { TurnRequest } from '../types.js';

/** Marks where relaypool cut the front of a message to fit the platform's input limit. */
export const CLIP_MARK = '[…earlier text omitted…]\n';

/**
 * The message a bearer platform receives for a turn. These platforms have no system-prompt field,
 * so a new conversation's system prompt leads its first message. Text longer than `maxChars` keeps
 * its end (the newest turns and the question) and, when it fits, the system prompt.
 */
export function turnMessage(request: TurnRequest, maxChars: number | null): string {
  const system = request.kind === 'new-task' ? (request.systemPrompt ?? '').trim() : '';
  const body = request.kind === 'new-task' ? request.content : request.text;
  const head = system === '' ? '' : `${system}\n\n`;
  if (maxChars === null || head.length + body.length <= maxChars) return head + body;
  const room = maxChars - head.length - CLIP_MARK.length;
  if (room > maxChars / 2) return head + CLIP_MARK + body.slice(body.length - room);
  return CLIP_MARK + (head + body).slice(head.length + body.length - (maxChars - CLIP_MARK.length));
}
