/**
 * The login lock of an account: a short lease in the accounts row that says "process X is logging
 * this account in until T". Taking it is one UPDATE, so two processes on one database cannot both
 * win; a crashed holder's lock simply runs out.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { parseRowOrNull, sqlIntOrNull, sqlTextOrNull } from './sql-types.js';

/** Login-lock operations of the accounts repository. */
export interface AccountLoginLock {
  /** Take the lock of account `id` for `owner` for `ttlMs`; true when taken (it was free, expired or ours). */
  tryLockLogin(id: number, owner: string, ttlMs: number): boolean;
  /** Release the lock if `owner` holds it. */
  unlockLogin(id: number, owner: string): void;
  /** The owner holding an unexpired lock on account `id`, or null. */
  loginLockHolder(id: number): string | null;
}

const lockRow = z.object({ login_owner: sqlTextOrNull, login_until: sqlIntOrNull });

/** Prepare the lock statements on `db`. */
export function createAccountLoginLock(db: Database, now: () => number): AccountLoginLock {
  const take = db.prepare(`
    UPDATE accounts SET login_owner = @owner, login_until = @until
    WHERE id = @id AND (login_owner IS NULL OR login_owner = @owner OR login_until IS NULL OR login_until <= @now)`);
  const release = db.prepare(
    'UPDATE accounts SET login_owner = NULL, login_until = NULL WHERE id = ? AND login_owner = ?',
  );
  const read = db.prepare('SELECT login_owner, login_until FROM accounts WHERE id = ?');
  return {
    tryLockLogin(id, owner, ttlMs) {
      const at = now();
      return take.run({ id, owner, until: at + ttlMs, now: at }).changes > 0;
    },
    unlockLogin(id, owner) {
      release.run(id, owner);
    },
    loginLockHolder(id) {
      const row = parseRowOrNull(lockRow, read.get(id));
      if (row === null || row.login_owner === null || (row.login_until ?? 0) <= now()) return null;
      return row.login_owner;
    },
  };
}
