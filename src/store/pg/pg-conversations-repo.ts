/** Conversation bindings and stored responses on PostgreSQL; see `../conversations-repo.ts`, `../responses-repo.ts`. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Async } from '../async-store.js';
import { conversationRow, type ConversationsRepo } from '../conversations-repo.js';
import { responseRow, type ResponsesRepo } from '../responses-repo.js';
import { parseRowOrNull, sqlInt } from '../sql-types.js';
import { sql, type PgDb } from './pg-db.js';

const insert = sql(`
  INSERT INTO conversations (id, client_key_hash, model, prefix_hash, account_id, task_id,
    transcript, state, created_at, last_used_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING *`);
const byId = sql('SELECT * FROM conversations WHERE id = $1');
const byPrefix = sql(`
  SELECT * FROM conversations WHERE prefix_hash = $2 AND client_key_hash IS NOT DISTINCT FROM $1
  ORDER BY last_used_at DESC LIMIT 1`);
const touch = sql(`
  UPDATE conversations SET last_used_at = $2,
    prefix_hash = CASE WHEN $3 THEN $4 ELSE prefix_hash END,
    task_id = CASE WHEN $5 THEN $6::integer ELSE task_id END,
    transcript = COALESCE($7, transcript),
    state = COALESCE($8, state)
  WHERE id = $1 RETURNING *`);
const remove = sql('DELETE FROM conversations WHERE id = $1');
const countAll = sql('SELECT COUNT(*) AS n FROM conversations');
const pruneUnbound = sql(`
  DELETE FROM conversations WHERE last_used_at < $1 AND (task_id IS NULL
    OR task_id IN (SELECT id FROM tasks WHERE state IN ('stopped', 'failed')))`);

/** Build the conversations repository on PostgreSQL. */
export function createPgConversationsRepo(db: PgDb, now: () => number): Async<ConversationsRepo> {
  return {
    async create(c) {
      const values: unknown[] = [
        c.id ?? randomUUID(),
        c.clientKeyHash,
        c.model,
        c.prefixHash ?? null,
        c.accountId,
        c.taskId ?? null,
      ];
      values.push(JSON.stringify(c.transcript ?? []), c.state ?? 'idle', now());
      return conversationRow.parse(await db.get(insert, values));
    },
    get: async (id) => parseRowOrNull(conversationRow, await db.get(byId, [id])),
    findByPrefix: async (clientKeyHash, prefixHash) =>
      parseRowOrNull(conversationRow, await db.get(byPrefix, [clientKeyHash, prefixHash])),
    touch: async (id, patch = {}) =>
      parseRowOrNull(
        conversationRow,
        await db.get(touch, [
          id,
          now(),
          patch.prefixHash !== undefined,
          patch.prefixHash ?? null,
          patch.taskId !== undefined,
          patch.taskId ?? null,
          patch.transcript === undefined ? null : JSON.stringify(patch.transcript),
          patch.state ?? null,
        ]),
      ),
    delete: async (id) => (await db.run(remove, [id])) > 0,
    count: async () => z.object({ n: sqlInt }).parse(await db.get(countAll)).n,
    pruneUnbound: (before) => db.run(pruneUnbound, [before]),
  };
}

const save = sql(`
  INSERT INTO responses (id, client_key_hash, model, response, transcript, created_at) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (id) DO UPDATE SET client_key_hash = excluded.client_key_hash, model = excluded.model,
    response = excluded.response, transcript = excluded.transcript, created_at = excluded.created_at`);
const responseById = sql('SELECT * FROM responses WHERE id = $1 AND client_key_hash IS NOT DISTINCT FROM $2');
const removeResponse = sql('DELETE FROM responses WHERE id = $1 AND client_key_hash IS NOT DISTINCT FROM $2');

/** Build the stored-responses repository on PostgreSQL. */
export function createPgResponsesRepo(db: PgDb, now: () => number): Async<ResponsesRepo> {
  return {
    async save(r) {
      await db.run(save, [
        r.id,
        r.clientKeyHash,
        r.model,
        JSON.stringify(r.response),
        JSON.stringify(r.transcript),
        now(),
      ]);
    },
    get: async (id, clientKeyHash) =>
      parseRowOrNull(responseRow, await db.get(responseById, [id, clientKeyHash])),
    delete: async (id, clientKeyHash) => (await db.run(removeResponse, [id, clientKeyHash])) > 0,
  };
}
