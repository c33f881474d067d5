/**
 * The PostgreSQL connection pool every PostgreSQL repository runs on. Statements are named, so each
 * pooled connection parses and plans one only once (a server-side prepared statement); a decision
 * on the hot path is one round trip. BIGINT and NUMERIC results arrive as JavaScript numbers, so
 * the row parsers shared with SQLite read both backends' rows.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

/** One SQL text with its statement name (derived from the text, so equal texts share a plan). */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Runs statements: the pool, or one connection inside a transaction. */
export interface PgQueryable {
  /** Every row. */
  all(statement: Statement, values?: readonly unknown[]): Promise<unknown[]>;
  /** The first row, or undefined. */
  get(statement: Statement, values?: readonly unknown[]): Promise<unknown>;
  /** How many rows the statement changed. */
  run(statement: Statement, values?: readonly unknown[]): Promise<number>;
  /** Run a script of statements without parameters (schema changes); never prepared. */
  exec(script: string): Promise<void>;
}

/** A small pool of connections to one database. */
export interface PgDb extends PgQueryable {
  /** Run `work` in one transaction on one connection; rolled back when it throws. */
  transaction<T>(work: (tx: PgQueryable) => Promise<T>): Promise<T>;
  /** Close every connection. */
  close(): Promise<void>;
}

/** Name `text` once, where the repository is built. */
export function sql(text: string): Statement {
  const name = `rp_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  return { name, text };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Counts, sums and millisecond timestamps stay far below 2^53; other types parse as usual. */
function numberTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, Number);
  types.setTypeParser(NUMERIC_OID, Number);
  return types;
}

/** Open a pool of at most `max` connections to `url`. Nothing connects until the first query. */
export function createPgDb(url: string, max = 4): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: numberTypes(),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 60_000,
    // SQLite's `synchronous = NORMAL` counterpart: a commit does not wait for the WAL flush.
    // Nothing is lost when relaypool dies (the server has every commit); a crash of the database
    // server itself may lose the last fraction of a second of commits, never consistency.
    options: '-c synchronous_commit=off',
  });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    ...queryable(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function queryable(target: pg.Pool | pg.PoolClient): PgQueryable {
  const query = async (statement: Statement, values: readonly unknown[] = []) => {
    const result = await target.query<Record<string, unknown>>({
      name: statement.name,
      text: statement.text,
      values: [...values],
    });
    return { rows: result.rows, rowCount: result.rowCount };
  };
  return {
    all: async (statement, values) => (await query(statement, values)).rows,
    get: async (statement, values) => (await query(statement, values)).rows[0],
    run: async (statement, values) => (await query(statement, values)).rowCount ?? 0,
    exec: async (script) => void (await target.query(script)),
  };
}
