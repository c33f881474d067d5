/** Usage rows and totals on PostgreSQL; see `../usage-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import { parseRows, sqlInt } from '../sql-types.js';
import {
  bucketRow,
  sumTotals,
  totalsRow,
  usageColumns,
  type UsageEntry,
  type UsageRepo,
} from '../usage-repo.js';
import { sql, type PgDb } from './pg-db.js';

// The sub-select records a concurrently deleted account as NULL instead of losing the row.
const insert = sql(`
  INSERT INTO usage (at, route, model, account_id, client_key_hash, upstream_task_id, prompt_tokens,
    completion_tokens, total_tokens, estimated, ttfb_ms, duration_ms, status, outcome)
  VALUES ($1, $2, $3, (SELECT id FROM accounts WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  RETURNING id`);
const overwrite = sql(`
  UPDATE usage SET route = $2, model = $3, account_id = (SELECT id FROM accounts WHERE id = $4),
    client_key_hash = $5, upstream_task_id = $6, prompt_tokens = $7, completion_tokens = $8,
    total_tokens = $9, estimated = $10, ttfb_ms = $11, duration_ms = $12, status = $13, outcome = $14
  WHERE id = $1`);
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

/** `$2`…`$14` of the insert and the update. */
function columnValues(e: UsageEntry): unknown[] {
  const c = usageColumns(e);
  return [
    c.route,
    c.model,
    c.accountId,
    c.clientKeyHash,
    c.upstreamTaskId,
    c.promptTokens,
    c.completionTokens,
    c.totalTokens,
    c.estimated,
    c.ttfbMs,
    c.durationMs,
    c.status,
    c.outcome,
  ];
}

/** Build the usage repository on PostgreSQL. */
export function createPgUsageRepo(db: PgDb, now: () => number): Async<UsageRepo> {
  return {
    async record(e) {
      const row = await db.get(insert, [e.at ?? now(), ...columnValues(e)]);
      return z.object({ id: sqlInt }).parse(row).id;
    },
    async update(id, e) {
      return (await db.run(overwrite, [id, ...columnValues(e)])) > 0;
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
