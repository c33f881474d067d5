/**
 * Schema version 6: `processes.wants` (issue #12), the accounts on which this process has requests
 * waiting that only another process's idle conversation tasks keep from running (a comma-separated
 * list of account ids, empty when none). The process holding such an idle task stops it.
 * `processes.handoffs`: the idle tasks (task row ids) another process keeps for a conversation that
 * this process has a follow-up for; the holder hands each over, slot lease included.
 */
import type { Database } from 'better-sqlite3';

const SQL = `
ALTER TABLE processes ADD COLUMN wants TEXT NOT NULL DEFAULT '';
ALTER TABLE processes ADD COLUMN handoffs TEXT NOT NULL DEFAULT '';
`;

/** Add `processes.wants` and `processes.handoffs`. */
export function slotWants(db: Database): void {
  db.exec(SQL);
}
