/**
 * Schema version 2: what the account pool keeps across restarts and processes.
 * - `accounts.login_owner` / `login_until`: a lease on "logging this account in", so two relaypool
 *   processes on one database never log the same account in twice.
 * - `upstream_models.cooldown_until`: a model the upstream refused for one account rests there
 *   until then (other models of the account stay in use). Re-reading the models clears it.
 */
import type { Database } from 'better-sqlite3';

const SQL = `
ALTER TABLE accounts ADD COLUMN login_owner TEXT;
ALTER TABLE accounts ADD COLUMN login_until INTEGER;
ALTER TABLE upstream_models ADD COLUMN cooldown_until INTEGER;
`;

/** Add the pool's login lock and per-model cooldown columns. */
export function poolState(db: Database): void {
  db.exec(SQL);
}
