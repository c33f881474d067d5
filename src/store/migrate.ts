/**
 * Schema migrations keyed by `PRAGMA user_version`. Each step runs in its own IMMEDIATE transaction
 * and re-reads the version inside it, so two processes opening a fresh database at once do not
 * both apply the same step.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { SchemaVersionError } from './errors.js';

/** One schema step. Runs inside a transaction (so it cannot toggle `foreign_keys`). */
export type Migration = (db: Database) => void;

/** The database's `PRAGMA user_version`. */
export function schemaVersion(db: Database): number {
  return z
    .number()
    .int()
    .nonnegative()
    .parse(db.pragma('user_version', { simple: true }));
}

/** Bring `db` up to `migrations.length`; refuse a database written by newer code. */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const known = migrations.length;
  const step = db.transaction((): boolean => {
    const version = schemaVersion(db);
    if (version > known) throw new SchemaVersionError(db.name, version, known);
    const migration = migrations[version];
    if (!migration) return false;
    migration(db);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // keep stepping until the database is current
  }
}
