/**
 * Schema version 3: stored Responses-API responses (`store: true`), so `GET /v1/responses/{id}`
 * and `previous_response_id` work across restarts. Scoped by client key hash; kept when the
 * account that served them is removed (they belong to the client, not to the account).
 */
import type { Database } from 'better-sqlite3';

const SQL = `
CREATE TABLE responses (
  id              TEXT PRIMARY KEY,
  client_key_hash TEXT,
  model           TEXT NOT NULL,
  response        TEXT NOT NULL,
  transcript      TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX responses_scope ON responses (client_key_hash, created_at);
`;

/** Add the `responses` table. */
export function responsesTable(db: Database): void {
  db.exec(SQL);
}
