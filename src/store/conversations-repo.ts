/**
 * Conversation bindings: which (account, task) continues a conversation. Minimal on purpose —
 * the conversations layer owns the rules; this only persists them.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { parseRowOrNull, sqlInt, sqlIntOrNull, sqlTextOrNull } from './sql-types.js';

/** A JSON value (the transcript is stored as JSON text). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A stored binding. */
export interface Conversation {
  id: string;
  /** Hash of the client API key the conversation belongs to (its scope); null when keyless. */
  clientKeyHash: string | null;
  model: string;
  /** Hash of the message prefix a chat continuation must match. */
  prefixHash: string | null;
  accountId: number;
  /** Row id in `tasks` of the task holding the conversation; null once that row is gone. */
  taskId: number | null;
  transcript: JsonValue;
  /** Free-form state owned by the conversations layer (e.g. `idle`, `busy`, `closed`). */
  state: string;
  createdAt: number;
  lastUsedAt: number;
}

/** Input of `create`; `id` defaults to a random UUID. */
export interface NewConversation {
  id?: string;
  clientKeyHash: string | null;
  model: string;
  prefixHash?: string | null;
  accountId: number;
  taskId?: number | null;
  transcript?: JsonValue;
  state?: string;
}

/** Fields `touch` may change besides `lastUsedAt`. */
export type ConversationPatch = Partial<Pick<Conversation, 'prefixHash' | 'taskId' | 'transcript' | 'state'>>;

/** Persistence of conversation bindings. */
export interface ConversationsRepo {
  /** Store a new binding. */
  create(conversation: NewConversation): Conversation;
  /** One binding, or null. */
  get(id: string): Conversation | null;
  /** The most recently used binding in `clientKeyHash`'s scope with this prefix hash, or null. */
  findByPrefix(clientKeyHash: string | null, prefixHash: string): Conversation | null;
  /** Set `lastUsedAt` to now and apply `patch`; null when missing. */
  touch(id: string, patch?: ConversationPatch): Conversation | null;
  /** Delete one binding; false when it did not exist. */
  delete(id: string): boolean;
  /** How many bindings exist. */
  count(): number;
  /**
   * Delete bindings last used before `before` (ms) whose task is gone (stopped, failed or its row
   * pruned): a request that would have matched them replays the conversation anyway. Returns how many.
   */
  pruneUnbound(before: number): number;
}

export const conversationRow = z
  .object({
    id: z.string(),
    client_key_hash: sqlTextOrNull,
    model: z.string(),
    prefix_hash: sqlTextOrNull,
    account_id: sqlInt,
    task_id: sqlIntOrNull,
    transcript: z
      .string()
      .transform((text): unknown => JSON.parse(text))
      .pipe(z.json()),
    state: z.string(),
    created_at: sqlInt,
    last_used_at: sqlInt,
  })
  .transform((row): Conversation => ({
    id: row.id,
    clientKeyHash: row.client_key_hash,
    model: row.model,
    prefixHash: row.prefix_hash,
    accountId: row.account_id,
    taskId: row.task_id,
    transcript: row.transcript,
    state: row.state,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  }));

/** Build the conversations repository. */
export function createConversationsRepo(db: Database, now: () => number): ConversationsRepo {
  const insert = db.prepare(`
    INSERT INTO conversations (id, client_key_hash, model, prefix_hash, account_id, task_id,
      transcript, state, created_at, last_used_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare('SELECT * FROM conversations WHERE id = ?');
  const byPrefix = db.prepare(`
    SELECT * FROM conversations WHERE client_key_hash IS ? AND prefix_hash = ?
    ORDER BY last_used_at DESC LIMIT 1`);
  const update = db.prepare(`
    UPDATE conversations SET last_used_at = @now,
      prefix_hash = CASE WHEN @hasPrefix THEN @prefixHash ELSE prefix_hash END,
      task_id = CASE WHEN @hasTask THEN @taskId ELSE task_id END,
      transcript = COALESCE(@transcript, transcript),
      state = COALESCE(@state, state)
    WHERE id = @id`);
  const remove = db.prepare('DELETE FROM conversations WHERE id = ?');
  const countAll = db.prepare('SELECT COUNT(*) AS n FROM conversations');
  const pruneUnbound = db.prepare(`
    DELETE FROM conversations WHERE last_used_at < ? AND (task_id IS NULL
      OR task_id IN (SELECT id FROM tasks WHERE state IN ('stopped', 'failed')))`);
  const get = (id: string) => parseRowOrNull(conversationRow, byId.get(id));

  return {
    create(conversation) {
      const id = conversation.id ?? randomUUID();
      const at = now();
      insert.run(
        id,
        conversation.clientKeyHash,
        conversation.model,
        conversation.prefixHash ?? null,
        conversation.accountId,
        conversation.taskId ?? null,
        JSON.stringify(conversation.transcript ?? []),
        conversation.state ?? 'idle',
        at,
        at,
      );
      const created = get(id);
      if (!created) throw new Error(`conversation ${id} vanished right after insert`);
      return created;
    },
    get,
    findByPrefix: (clientKeyHash, prefixHash) =>
      parseRowOrNull(conversationRow, byPrefix.get(clientKeyHash, prefixHash)),
    touch(id, patch = {}) {
      update.run({
        id,
        now: now(),
        hasPrefix: patch.prefixHash === undefined ? 0 : 1,
        prefixHash: patch.prefixHash ?? null,
        hasTask: patch.taskId === undefined ? 0 : 1,
        taskId: patch.taskId ?? null,
        transcript: patch.transcript === undefined ? null : JSON.stringify(patch.transcript),
        state: patch.state ?? null,
      });
      return get(id);
    },
    delete: (id) => remove.run(id).changes > 0,
    count: () => z.object({ n: sqlInt }).parse(countAll.get()).n,
    pruneUnbound: (before) => pruneUnbound.run(before).changes,
  };
}
