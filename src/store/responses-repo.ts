/**
 * Stored Responses-API responses (`store: true`): the response object a client may fetch again,
 * and the transcript a later `previous_response_id` continues from. Scoped to a client key.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { JsonValue } from './conversations-repo.js';
import { parseRowOrNull, sqlInt, sqlTextOrNull } from './sql-types.js';

/** One stored response. */
export interface StoredResponse {
  id: string;
  /** Hash of the client API key it belongs to; null when /v1 is open. */
  clientKeyHash: string | null;
  model: string;
  /** The response object as returned to the client. */
  response: JsonValue;
  /** The whole conversation up to and including this response's answer (relaypool's transcript). */
  transcript: JsonValue;
  createdAt: number;
}

/** Persistence of stored responses. */
export interface ResponsesRepo {
  /** `response` and `transcript` are stored as JSON text (anything `JSON.stringify` accepts). */
  save(response: {
    id: string;
    clientKeyHash: string | null;
    model: string;
    response: unknown;
    transcript: unknown;
  }): void;
  /** The response in this client's scope, or null (another client's id is not found). */
  get(id: string, clientKeyHash: string | null): StoredResponse | null;
  /** Delete in this client's scope; false when not found. */
  delete(id: string, clientKeyHash: string | null): boolean;
}

const json = z
  .string()
  .transform((text): unknown => JSON.parse(text))
  .pipe(z.json());

export const responseRow = z
  .object({
    id: z.string(),
    client_key_hash: sqlTextOrNull,
    model: z.string(),
    response: json,
    transcript: json,
    created_at: sqlInt,
  })
  .transform((row): StoredResponse => ({
    id: row.id,
    clientKeyHash: row.client_key_hash,
    model: row.model,
    response: row.response,
    transcript: row.transcript,
    createdAt: row.created_at,
  }));

/** Build the responses repository. */
export function createResponsesRepo(db: Database, now: () => number): ResponsesRepo {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO responses (id, client_key_hash, model, response, transcript, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare('SELECT * FROM responses WHERE id = ? AND client_key_hash IS ?');
  const remove = db.prepare('DELETE FROM responses WHERE id = ? AND client_key_hash IS ?');
  return {
    save(response) {
      insert.run(
        response.id,
        response.clientKeyHash,
        response.model,
        JSON.stringify(response.response),
        JSON.stringify(response.transcript),
        now(),
      );
    },
    get: (id, clientKeyHash) => parseRowOrNull(responseRow, byId.get(id, clientKeyHash)),
    delete: (id, clientKeyHash) => remove.run(id, clientKeyHash).changes > 0,
  };
}
