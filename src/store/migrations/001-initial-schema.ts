/** Schema version 1: accounts, their cached models, upstream tasks, conversations, usage. */
import type { Database } from 'better-sqlite3';

const SQL = `
CREATE TABLE accounts (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  label              TEXT NOT NULL UNIQUE,
  kind               TEXT NOT NULL CHECK (kind IN ('cookie', 'password')),
  email              TEXT,
  enabled            INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  state              TEXT NOT NULL DEFAULT 'unverified'
                     CHECK (state IN ('unverified', 'active', 'cooling', 'expired', 'invalid')),
  password_enc       TEXT,
  cookie_enc         TEXT,
  cookie_fingerprint TEXT UNIQUE,
  cookie_obtained_at INTEGER,
  cookie_expires_at  INTEGER,
  max_concurrency    INTEGER CHECK (max_concurrency IS NULL OR max_concurrency >= 1),
  cooldown_until     INTEGER,
  last_error         TEXT,
  last_checked_at    INTEGER,
  upstream_user_id   TEXT,
  upstream_user_name TEXT,
  plan               TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  CHECK (kind <> 'password' OR (email IS NOT NULL AND password_enc IS NOT NULL)),
  CHECK ((cookie_enc IS NULL) = (cookie_fingerprint IS NULL))
);
CREATE UNIQUE INDEX accounts_password_email ON accounts (email COLLATE NOCASE) WHERE kind = 'password';

CREATE TABLE upstream_models (
  account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  upstream_id      TEXT NOT NULL,
  name             TEXT NOT NULL,
  remark           TEXT NOT NULL DEFAULT '',
  access_level     TEXT,
  is_free          INTEGER NOT NULL DEFAULT 0 CHECK (is_free IN (0, 1)),
  interface_type   TEXT NOT NULL,
  context_limit    INTEGER,
  output_limit     INTEGER,
  thinking_enabled INTEGER NOT NULL DEFAULT 0 CHECK (thinking_enabled IN (0, 1)),
  weight           INTEGER NOT NULL DEFAULT 0,
  is_default       INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  fetched_at       INTEGER NOT NULL,
  PRIMARY KEY (account_id, upstream_id)
) WITHOUT ROWID;
CREATE INDEX upstream_models_name ON upstream_models (name);

CREATE TABLE tasks (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  upstream_task_id  TEXT,
  owner_instance_id TEXT NOT NULL,
  purpose           TEXT NOT NULL CHECK (purpose IN ('stateless', 'conversation')),
  state             TEXT NOT NULL
                    CHECK (state IN ('creating', 'running', 'idle', 'stopping', 'stopped', 'failed')),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  stopped_at        INTEGER,
  last_error        TEXT
);
CREATE INDEX tasks_account ON tasks (account_id);
CREATE INDEX tasks_state ON tasks (state, owner_instance_id);
CREATE UNIQUE INDEX tasks_upstream ON tasks (upstream_task_id) WHERE upstream_task_id IS NOT NULL;

CREATE TABLE conversations (
  id              TEXT PRIMARY KEY,
  client_key_hash TEXT,
  model           TEXT NOT NULL,
  prefix_hash     TEXT,
  account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  task_id         INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
  transcript      TEXT NOT NULL DEFAULT '[]',
  state           TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER NOT NULL
);
CREATE INDEX conversations_prefix ON conversations (client_key_hash, prefix_hash, last_used_at);
CREATE INDEX conversations_account ON conversations (account_id);
CREATE INDEX conversations_task ON conversations (task_id);

CREATE TABLE usage (
  id                INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
  route             TEXT NOT NULL,
  model             TEXT,
  account_id        INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  client_key_hash   TEXT,
  upstream_task_id  TEXT,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens      INTEGER NOT NULL DEFAULT 0,
  estimated         INTEGER NOT NULL DEFAULT 0 CHECK (estimated IN (0, 1)),
  ttfb_ms           INTEGER,
  duration_ms       INTEGER,
  status            INTEGER,
  outcome           TEXT NOT NULL
);
CREATE INDEX usage_at ON usage (at);
CREATE INDEX usage_account ON usage (account_id, at);
`;

/** Create the version-1 tables. */
export function initialSchema(db: Database): void {
  db.exec(SQL);
}
