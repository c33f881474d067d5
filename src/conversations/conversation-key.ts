import { createHash } from 'node:crypto';

/**
 * The key a conversation continues under. It covers the client key's hash (a binding belongs to one
 * client key: another client computes a different key and can never reach it), the model and the
 * system prompt (a task cannot change either), and what identifies the point the conversation
 * reached: the canonical messages so far, or the id of the stored response.
 */
export type ContinuationPoint =
  { kind: 'messages'; messages: readonly string[] } | { kind: 'response'; responseId: string };

/** What a key is computed from. */
export interface KeyParts {
  clientKeyHash: string | null;
  model: string;
  systemPrompt: string | null;
  point: ContinuationPoint;
}

/** A SHA-256 hex digest of the parts (unambiguous: hashed as one JSON array). */
export function continuationKey(parts: KeyParts): string {
  const point =
    parts.point.kind === 'messages'
      ? ['messages', ...parts.point.messages]
      : ['response', parts.point.responseId];
  return createHash('sha256')
    .update(JSON.stringify([parts.clientKeyHash, parts.model, parts.systemPrompt, ...point]))
    .digest('hex');
}
