/** Usage rows and totals on PostgreSQL; see `../usage-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import { parseRows, sqlInt, toSqlBool } from '../sql-types.js';
import { bucketRow, sumTotals, totalsRow, type UsageRepo } from '../usage-repo.js';
import { sql, type PgDb } from './pg-db.js';

// The sub-select records a concurrently deleted account as NULL instead of losing the row.
const insert = sql(`
  INSERT INTO usage (at, route, model, account_id, client_key_hash, upstream_task_id, prompt_tokens,
    completion_tokens, total_tokens, estimated, ttfb_ms, duration_ms, status, outcome)
  VALUES ($1, $2, $3, (SELECT id FROM accounts WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  RETURNING id`);
const totals = sql(`
  SELECT account_id, COUNT(*) AS requests,
    COUNT(*) FILTER (WHERE outcome = 'ok') AS succeeded,
    COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
    COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
    COALESCE(SUM(total_tokens), 0) AS total_tokens,
    COALESCE(SUM(estimated), 0) AS estimated_requests
  FROM usage WHERE at >= $1 AND at < $2
  GROUP BY account_id ORDER BY account_id NULLS FIRST`);

// `column` is one of two fixed names, never input.
const buckets = (column: 'model' | 'client_key_hash') =>
  sql(`
  SELECT (at / $2::bigint) * $2::bigint AS at, ${column} AS key, COUNT(*) AS requests,
    COALESCE(SUM(total_tokens), 0) AS total_tokens
  FROM usage WHERE at >= $1
  GROUP BY 1, 2 ORDER BY 1, 2`);
const byModel = buckets('model');
const byClientKey = buckets('client_key_hash');

/** Build the usage repository on PostgreSQL. */
export function createPgUsageRepo(db: PgDb, now: () => number): Async<UsageRepo> {
  return {
    async record(e) {
      const promptTokens = e.promptTokens ?? 0;
      const completionTokens = e.completionTokens ?? 0;
      const row = await db.get(insert, [
        e.at ?? now(),
        e.route,
        e.model ?? null,
        e.accountId ?? null,
        e.clientKeyHash ?? null,
        e.upstreamTaskId ?? null,
        promptTokens,
        completionTokens,
        e.totalTokens ?? promptTokens + completionTokens,
        toSqlBool(e.estimated ?? false),
        e.ttfbMs ?? null,
        e.durationMs ?? null,
        e.status ?? null,
        e.outcome,
      ]);
      return z.object({ id: sqlInt }).parse(row).id;
    },
    async aggregate(range = {}) {
      const byAccount = parseRows(
        totalsRow,
        await db.all(totals, [range.since ?? 0, range.until ?? Number.MAX_SAFE_INTEGER]),
      );
      return { overall: sumTotals(byAccount), byAccount };
    },
    async bucketsByModel(since, bucketMs) {
      return parseRows(bucketRow, await db.all(byModel, [since, bucketMs]));
    },
    async bucketsByClientKey(since, bucketMs) {
      return parseRows(bucketRow, await db.all(byClientKey, [since, bucketMs]));
    },
  };
}
