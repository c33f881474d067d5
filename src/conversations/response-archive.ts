import { z } from 'zod';
import type { JsonValue, AsyncStore } from '../store/index.js';

/** One message of a stored transcript (the same shape as the OpenAI layer's normalized message). */
export interface TranscriptMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  text: string;
  name: string | null;
  toolCallId: string | null;
  toolCalls: Array<{ id: string | null; name: string; arguments: string }>;
}

const transcriptSchema = z.array(
  z.object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    text: z.string(),
    name: z.string().nullable(),
    toolCallId: z.string().nullable(),
    toolCalls: z.array(z.object({ id: z.string().nullable(), name: z.string(), arguments: z.string() })),
  }),
);

/** A stored response as the Responses route needs it back. */
export interface ArchivedResponse {
  response: JsonValue;
  /** The conversation up to and including this response's answer. */
  transcript: TranscriptMessage[];
}

/**
 * Responses kept for `GET /v1/responses/{id}` and `previous_response_id`. Each belongs to one client
 * key: looking one up with another key's hash finds nothing.
 */
export class ResponseArchive {
  constructor(private readonly store: AsyncStore) {}

  /** Keep a finished response and the transcript it ends. */
  save(entry: {
    id: string;
    clientKeyHash: string | null;
    model: string;
    response: object;
    transcript: readonly TranscriptMessage[];
  }): Promise<void> {
    return this.store.responses.save(entry);
  }

  /** A stored response of this client key, or null. */
  async load(id: string, clientKeyHash: string | null): Promise<ArchivedResponse | null> {
    const stored = await this.store.responses.get(id, clientKeyHash);
    if (stored === null) return null;
    return { response: stored.response, transcript: transcriptSchema.parse(stored.transcript) };
  }

  /** Forget a stored response; false when this client key had none. */
  delete(id: string, clientKeyHash: string | null): Promise<boolean> {
    return this.store.responses.delete(id, clientKeyHash);
  }
}
