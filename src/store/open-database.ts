/** Opening the SQLite file with the settings every relaypool process uses. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { isMemory } from './secret-key.js';

/**
 * Open `file` (creating its directory), in WAL mode so the CLI and a running server share it,
 * with foreign keys on, a 5 s busy timeout and `synchronous = NORMAL` (durable at checkpoints,
 * never corrupt).
 */
export function openDatabase(file: string): Database {
  if (!isMemory(file)) mkdirSync(dirname(file), { recursive: true });
  const db = new Sqlite(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
