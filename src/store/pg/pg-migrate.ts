/**
 * PostgreSQL migrations, keyed by the one row of `relaypool_schema` (SQLite's `user_version`).
 * The steps run in one transaction under an advisory lock, so processes starting at once against
 * a fresh database apply each step exactly once, and a failed step leaves the old schema intact.
 */
import { z } from 'zod';
import { SchemaVersionError } from '../errors.js';
import { sqlInt } from '../sql-types.js';
import { sql, type PgDb } from './pg-db.js';

const MIGRATION_LOCK = 0x7265_6c61; // 'rela': one constant, the same in every relaypool process

const lock = sql('SELECT pg_advisory_xact_lock($1)');
const createTable = sql('CREATE TABLE IF NOT EXISTS relaypool_schema (version INTEGER NOT NULL)');
const readVersion = sql('SELECT version FROM relaypool_schema');
const firstVersion = sql('INSERT INTO relaypool_schema (version) VALUES (0)');
const writeVersion = sql('UPDATE relaypool_schema SET version = $1');

/** Bring the database up to `steps.length`; refuse one written by newer code (`name` in the message). */
export async function migratePg(db: PgDb, steps: readonly string[], name: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(lock, [MIGRATION_LOCK]);
    await tx.run(createTable);
    const row = await tx.get(readVersion);
    let version = row === undefined ? 0 : z.object({ version: sqlInt }).parse(row).version;
    if (row === undefined) await tx.run(firstVersion);
    if (version > steps.length) throw new SchemaVersionError(name, version, steps.length);
    for (; version < steps.length; version += 1) {
      await tx.exec(steps[version] ?? '');
      await tx.run(writeVersion, [version + 1]);
    }
  });
}
