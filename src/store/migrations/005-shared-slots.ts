/**
 * Schema version 5: slots shared by every process on the database (issue #12).
 * - `processes`: one row per running relaypool process, alive until `expires_at` (its heartbeat).
 * - `slot_leases`: one row per occupied concurrency slot of an account, held by a process, either
 *   serving a request or kept by an idle conversation task. A lease counts only while its holder
 *   is alive, so a killed process's slots free themselves when its heartbeat runs out.
 */
import type { Database } from 'better-sqlite3';

const SQL = `
CREATE TABLE processes (
  id           TEXT PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);

CREATE TABLE slot_leases (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  holder      TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('serving', 'idle')),
  task_id     INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
  acquired_at INTEGER NOT NULL
);
CREATE INDEX slot_leases_account ON slot_leases (account_id);
CREATE INDEX slot_leases_holder ON slot_leases (holder);
`;

/** Add the process registry and the slot leases. */
export function sharedSlots(db: Database): void {
  db.exec(SQL);
}
