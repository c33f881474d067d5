/**
 * Account writes. Each runs in an IMMEDIATE transaction so the uniqueness checks and the write
 * see the same data even when the CLI and a server write at once.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { InvalidRequestError } from '../util/errors.js';
import { createAccountConflicts } from './account-conflicts.js';
import * as input from './account-input.js';
import { pickDefaultLabel, toNewAccountRow, type NewAccountRow } from './account-new.js';
import type { Account, AccountPatch, CookieTimes, NewAccount } from './account-types.js';
import type { SecretBox } from './secret-box.js';
import { rowId } from './sql-types.js';

/** The writing half of the accounts repository. */
export interface AccountMutations {
  /** Store a new account; ConflictError when its label, password email or cookie is taken. */
  add(account: NewAccount): Account;
  /** Apply `patch`; null when the account does not exist. ConflictError on a taken label. */
  update(id: number, patch: AccountPatch): Account | null;
  /** Replace the session cookie; null when missing. ConflictError when another account has it. */
  setCookie(id: number, cookie: string, times?: CookieTimes): Account | null;
  /** Replace the password of a password account; null when missing. */
  setPassword(id: number, password: string): Account | null;
}

/** Prepare the writes; `get` reads the public view back. */
export function createAccountMutations(
  db: Database,
  box: SecretBox,
  now: () => number,
  get: (id: number) => Account | null,
): AccountMutations {
  const conflicts = createAccountConflicts(db);
  const insert = db.prepare(`
    INSERT INTO accounts (label, kind, email, state, password_enc, cookie_enc, cookie_fingerprint,
      cookie_obtained_at, cookie_expires_at, max_concurrency, created_at, updated_at, upstream)
    VALUES (@label, @kind, @email, @state, @passwordEnc, @cookieEnc, @fingerprint,
      @cookieObtainedAt, @cookieExpiresAt, @maxConcurrency, @now, @now, @upstream)`);
  const setLabel = db.prepare('UPDATE accounts SET label = ? WHERE id = ?');
  const setCookie = db.prepare(`
    UPDATE accounts SET cookie_enc = ?, cookie_fingerprint = ?, cookie_obtained_at = ?,
      cookie_expires_at = ?, updated_at = ? WHERE id = ?`);
  const setPassword = db.prepare('UPDATE accounts SET password_enc = ?, updated_at = ? WHERE id = ?');

  const addTx = db.transaction((row: NewAccountRow): Account | null => {
    const passwordEmail = row.kind === 'password' ? row.email : null;
    conflicts.assertFree({ label: row.label, passwordEmail, fingerprint: row.fingerprint });
    const placeholder = `pending-${randomUUID()}`;
    const id = rowId(insert.run({ ...row, label: row.label ?? placeholder }).lastInsertRowid);
    if (row.label === null)
      setLabel.run(
        pickDefaultLabel(id, row.email, (label) => conflicts.idByLabel(label)),
        id,
      );
    return get(id);
  });

  const updateTx = db.transaction((id: number, columns: Map<string, input.SqlValue>) => {
    if (!get(id)) return null;
    const label = columns.get('label');
    if (typeof label === 'string') conflicts.assertFree({ label, selfId: id });
    if (columns.size === 0) return get(id);
    // Column names come from patchColumns' fixed list, never from input.
    const sets = [...columns.keys()].map((column) => `${column} = ?`).join(', ');
    const statement = db.prepare(`UPDATE accounts SET ${sets}, updated_at = ? WHERE id = ?`);
    statement.run(...columns.values(), now(), id);
    return get(id);
  });

  const setCookieTx = db.transaction((id: number, cookie: string, times: CookieTimes) => {
    if (!get(id)) return null;
    const fingerprint = box.fingerprint(cookie);
    conflicts.assertFree({ fingerprint, selfId: id });
    const obtainedAt = input.checkTime(times.obtainedAt ?? now(), 'obtainedAt');
    const expiresAt = input.checkTime(times.expiresAt ?? null, 'expiresAt');
    setCookie.run(box.seal(cookie, 'cookie'), fingerprint, obtainedAt, expiresAt, now(), id);
    return get(id);
  });

  const setPasswordTx = db.transaction((id: number, sealed: string) => {
    const account = get(id);
    if (!account) return null;
    if (account.kind !== 'password') {
      throw new InvalidRequestError(`account ${id} is a cookie account and has no password`, {
        param: 'password',
      });
    }
    setPassword.run(sealed, now(), id);
    return get(id);
  });

  return {
    add(account) {
      const created = addTx.immediate(toNewAccountRow(account, box, now()));
      if (!created) throw new Error('a just-inserted account could not be read back');
      return created;
    },
    update: (id, patch) => updateTx.immediate(id, input.patchColumns(patch)),
    setCookie: (id, cookie, times = {}) =>
      setCookieTx.immediate(id, input.checkSecret(cookie, 'cookie'), times),
    setPassword: (id, password) =>
      setPasswordTx.immediate(id, box.seal(input.checkSecret(password, 'password'), 'password')),
  };
}
