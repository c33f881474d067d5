/** One row per proxied request, and the totals operators look at. */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { parseRows, rowId, sqlInt, sqlIntOrNull, sqlTextOrNull, toSqlBool } from './sql-types.js';

/** A finished request. `outcome` is `ok` on success, else a short error code. */
export interface UsageEntry {
  /** Defaults to now. */
  at?: number;
  /** e.g. `chat.completions`, `responses`. */
  route: string;
  model?: string | null;
  accountId?: number | null;
  clientKeyHash?: string | null;
  upstreamTaskId?: string | null;
  promptTokens?: number;
  completionTokens?: number;
  /** Defaults to prompt + completion. */
  totalTokens?: number;
  /** True when the token counts are our estimate, not the upstream's stats. */
  estimated?: boolean;
  ttfbMs?: number | null;
  durationMs?: number | null;
  /** HTTP status sent to the client. */
  status?: number | null;
  outcome: string;
}

/** Summed usage. `succeeded` counts rows whose outcome is `ok`. */
export interface UsageTotals {
  requests: number;
  succeeded: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimatedRequests: number;
}

/** Totals overall and per account (`accountId` null: deleted accounts and requests that had none). */
export interface UsageSummary {
  overall: UsageTotals;
  byAccount: Array<UsageTotals & { accountId: number | null }>;
}

/** Time window of an aggregate, in ms: `since` inclusive, `until` exclusive. */
export interface UsageRange {
  since?: number;
  until?: number;
}

/** Usage recording and reporting. */
export interface UsageRepo {
  /** Append one row; returns its id. An account deleted meanwhile is recorded as null. */
  record(entry: UsageEntry): number;
  /**
   * Overwrite row `id` with `entry`, keeping its time (`entry.at` is ignored): a row stored early,
   * before the client has its last byte, completed once the billed tokens are known. False when
   * there is no such row.
   */
  update(id: number, entry: UsageEntry): boolean;
  /** Totals per account and overall within `range`. */
  aggregate(range?: UsageRange): UsageSummary;
  /** Requests and tokens per `bucketMs`-long time bucket and model, from `since` on (dashboard charts). */
  bucketsByModel(since: number, bucketMs: number): UsageBucket[];
  /** Requests and tokens per `bucketMs`-long time bucket and client key hash, from `since` on. */
  bucketsByClientKey(since: number, bucketMs: number): UsageBucket[];
}

/** Usage of one time bucket and one key (a model, or a client key hash; null when the row had none). */
export interface UsageBucket {
  /** Start of the bucket, ms since the epoch (a multiple of the bucket length). */
  at: number;
  key: string | null;
  requests: number;
  totalTokens: number;
}

export const bucketRow = z
  .object({ at: sqlInt, key: sqlTextOrNull, requests: sqlInt, total_tokens: sqlInt })
  .transform((row): UsageBucket => ({
    at: row.at,
    key: row.key,
    requests: row.requests,
    totalTokens: row.total_tokens,
  }));

/**
 * Integer division buckets the rows (the CAST: better-sqlite3 binds a JS number as REAL); `column`
 * is one of two fixed names, never input.
 */
const bucketsSql = (column: 'model' | 'client_key_hash'): string => `
  SELECT (at / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER) AS at, ${column} AS key, COUNT(*) AS requests,
    COALESCE(SUM(total_tokens), 0) AS total_tokens
  FROM usage WHERE at >= @since
  GROUP BY 1, 2 ORDER BY 1, 2`;

export const totalsRow = z
  .object({
    account_id: sqlIntOrNull,
    requests: sqlInt,
    succeeded: sqlInt,
    prompt_tokens: sqlInt,
    completion_tokens: sqlInt,
    total_tokens: sqlInt,
    estimated_requests: sqlInt,
  })
  .transform((row) => ({
    accountId: row.account_id,
    requests: row.requests,
    succeeded: row.succeeded,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    estimatedRequests: row.estimated_requests,
  }));

/** Build the usage repository. */
export function createUsageRepo(db: Database, now: () => number): UsageRepo {
  // The sub-select records a concurrently deleted account as NULL instead of losing the row.
  const insert = db.prepare(`
    INSERT INTO usage (at, route, model, account_id, client_key_hash, upstream_task_id, prompt_tokens,
      completion_tokens, total_tokens, estimated, ttfb_ms, duration_ms, status, outcome)
    VALUES (@at, @route, @model, (SELECT id FROM accounts WHERE id = @accountId), @clientKeyHash,
      @upstreamTaskId, @promptTokens, @completionTokens, @totalTokens, @estimated, @ttfbMs,
      @durationMs, @status, @outcome)`);
  const overwrite = db.prepare(`
    UPDATE usage SET route = @route, model = @model,
      account_id = (SELECT id FROM accounts WHERE id = @accountId), client_key_hash = @clientKeyHash,
      upstream_task_id = @upstreamTaskId, prompt_tokens = @promptTokens,
      completion_tokens = @completionTokens, total_tokens = @totalTokens, estimated = @estimated,
      ttfb_ms = @ttfbMs, duration_ms = @durationMs, status = @status, outcome = @outcome
    WHERE id = @id`);
  const totals = db.prepare(`
    SELECT account_id, COUNT(*) AS requests,
      COALESCE(SUM(outcome = 'ok'), 0) AS succeeded,
      COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
      COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
      COALESCE(SUM(total_tokens), 0) AS total_tokens,
      COALESCE(SUM(estimated), 0) AS estimated_requests
    FROM usage WHERE at >= @since AND at < @until
    GROUP BY account_id ORDER BY account_id`);
  const byModel = db.prepare(bucketsSql('model'));
  const byClientKey = db.prepare(bucketsSql('client_key_hash'));

  return {
    record(entry) {
      const result = insert.run({ at: entry.at ?? now(), ...usageColumns(entry) });
      return rowId(result.lastInsertRowid);
    },
    update: (id, entry) => overwrite.run({ id, ...usageColumns(entry) }).changes > 0,
    aggregate(range = {}) {
      const since = range.since ?? 0;
      const until = range.until ?? Number.MAX_SAFE_INTEGER;
      const byAccount = parseRows(totalsRow, totals.all({ since, until }));
      return { overall: sumTotals(byAccount), byAccount };
    },
    bucketsByModel: (since, bucketMs) => parseRows(bucketRow, byModel.all({ since, bucketMs })),
    bucketsByClientKey: (since, bucketMs) => parseRows(bucketRow, byClientKey.all({ since, bucketMs })),
  };
}

/** Every column of a row but `at` and `id`, defaults applied (both dialects bind these). */
export interface UsageColumns {
  route: string;
  model: string | null;
  accountId: number | null;
  clientKeyHash: string | null;
  upstreamTaskId: string | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimated: 0 | 1;
  ttfbMs: number | null;
  durationMs: number | null;
  status: number | null;
  outcome: string;
}

/** The columns `entry` stores. */
export function usageColumns(entry: UsageEntry): UsageColumns {
  const promptTokens = entry.promptTokens ?? 0;
  const completionTokens = entry.completionTokens ?? 0;
  return {
    route: entry.route,
    model: entry.model ?? null,
    accountId: entry.accountId ?? null,
    clientKeyHash: entry.clientKeyHash ?? null,
    upstreamTaskId: entry.upstreamTaskId ?? null,
    promptTokens,
    completionTokens,
    totalTokens: entry.totalTokens ?? promptTokens + completionTokens,
    estimated: toSqlBool(entry.estimated ?? false),
    ttfbMs: entry.ttfbMs ?? null,
    durationMs: entry.durationMs ?? null,
    status: entry.status ?? null,
    outcome: entry.outcome,
  };
}

export function sumTotals(rows: readonly UsageTotals[]): UsageTotals {
  const sum: UsageTotals = {
    requests: 0,
    succeeded: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    estimatedRequests: 0,
  };
  for (const row of rows) {
    sum.requests += row.requests;
    sum.succeeded += row.succeeded;
    sum.promptTokens += row.promptTokens;
    sum.completionTokens += row.completionTokens;
    sum.totalTokens += row.totalTokens;
    sum.estimatedRequests += row.estimatedRequests;
  }
  return sum;
}
