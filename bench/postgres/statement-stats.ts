import type pg from 'pg';
import { z } from 'zod';

/** One normalised statement (constants as `$n`) and how often it ran, from `pg_stat_statements`. */
export interface StatementCount {
  query: string;
  calls: number;
  /** Server execution time of all calls (ms). */
  totalMs: number;
}

const rowSchema = z.object({ query: z.string(), calls: z.coerce.number(), total_ms: z.coerce.number() });

/** Forget what ran so far (the window starts now). */
export async function resetStatements(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_stat_statements_reset()');
}

/** Every statement since the last reset but the bench's own, most frequent first. */
export async function readStatements(client: pg.Client): Promise<StatementCount[]> {
  const { rows } = await client.query(
    `SELECT query, calls, total_exec_time AS total_ms FROM pg_stat_statements
     WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC, total_exec_time DESC`,
  );
  return z
    .array(rowSchema)
    .parse(rows)
    .map((row) => ({
      query: row.query.replace(/\s+/g, ' ').trim(),
      calls: row.calls,
      totalMs: row.total_ms,
    }));
}
