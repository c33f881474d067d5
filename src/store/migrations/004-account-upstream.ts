/**
 * Schema version 4: every account belongs to an upstream (issue #18). `monkeycode` is the default
 * upstream (`upstream.url`), so every existing account keeps working unchanged.
 */
import type { Database } from 'better-sqlite3';

const SQL = `ALTER TABLE accounts ADD COLUMN upstream TEXT NOT NULL DEFAULT 'monkeycode';`;

/** Add `accounts.upstream`. */
export function accountUpstream(db: Database): void {
  db.exec(SQL);
}
