/**
 * The accounts repository: the one place that writes accounts and the only way secrets leave the
 * store (`getSecrets`). Every other read returns the public `Account`, which has no secret fields.
 */
import type { Database } from 'better-sqlite3';
import { createAccountLoginLock, type AccountLoginLock } from './account-login-lock.js';
import { createAccountMutations, type AccountMutations } from './account-mutations.js';
import { ACCOUNT_COLUMNS, accountRow, secretRow } from './account-row.js';
import type { Account, AccountSecrets } from './account-types.js';
import { SecretKeyError } from './errors.js';
import { SecretBoxError, type SecretBox, type SecretField } from './secret-box.js';
import { parseRowOrNull, parseRows } from './sql-types.js';

/** Account CRUD for the CLI, the admin API and the pool. */
export interface AccountsRepo extends AccountMutations, AccountLoginLock {
  /** Every account, oldest first. */
  list(): Account[];
  /** One account, or null. */
  get(id: number): Account | null;
  /** The account with this email (case-insensitive; a password account first), or null. */
  findByEmail(email: string): Account | null;
  /** The account holding this session cookie value, or null. */
  findByCookie(cookie: string): Account | null;
  /** The account whose cookie has this fingerprint, or null. */
  findByCookieFingerprint(fingerprint: string): Account | null;
  /** Keyed fingerprint (hex HMAC-SHA256) of a cookie value, as stored. */
  cookieFingerprint(cookie: string): string;
  /** Delete the account (its models, tasks and bindings go too); false when it did not exist. */
  remove(id: number): boolean;
  /** Decrypted secrets, or null when the account does not exist. SecretKeyError on a wrong key. */
  getSecrets(id: number): AccountSecrets | null;
}

/** What the repository needs. */
export interface AccountsRepoDeps {
  db: Database;
  box: SecretBox;
  now: () => number;
  /** Where the key came from, for decryption error messages. */
  keySource: string;
}

/** Build the accounts repository on an open, migrated database. */
export function createAccountsRepo({ db, box, now, keySource }: AccountsRepoDeps): AccountsRepo {
  const select = (where: string) => db.prepare(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ${where}`);
  const byId = select('WHERE id = ?');
  const all = select('ORDER BY id');
  const byEmail = select("WHERE email = ? COLLATE NOCASE ORDER BY kind = 'password' DESC, id LIMIT 1");
  const byFingerprint = select('WHERE cookie_fingerprint = ?');
  const sealedById = db.prepare('SELECT label, password_enc, cookie_enc FROM accounts WHERE id = ?');
  const deleteById = db.prepare('DELETE FROM accounts WHERE id = ?');

  const get = (id: number): Account | null => parseRowOrNull(accountRow, byId.get(id));
  const fingerprint = (cookie: string): string => box.fingerprint(cookie.trim());
  const findByCookieFingerprint = (value: string): Account | null =>
    parseRowOrNull(accountRow, byFingerprint.get(value));

  return {
    ...createAccountMutations(db, box, now, get),
    ...createAccountLoginLock(db, now),
    list: () => parseRows(accountRow, all.all()),
    get,
    findByEmail: (email) => parseRowOrNull(accountRow, byEmail.get(email.trim())),
    findByCookie: (cookie) => findByCookieFingerprint(fingerprint(cookie)),
    findByCookieFingerprint,
    cookieFingerprint: fingerprint,
    remove: (id) => deleteById.run(id).changes > 0,
    getSecrets: (id) => openSecrets(box, keySource, id, sealedById.get(id)),
  };
}

/**
 * Decrypt a `secretRow` of account `id` (undefined: no such account). SecretKeyError names the
 * account and where the key came from when a value does not open.
 */
export function openSecrets(
  box: SecretBox,
  keySource: string,
  id: number,
  row: unknown,
): AccountSecrets | null {
  const sealed = parseRowOrNull(secretRow, row);
  if (!sealed) return null;
  const open = (value: string | null, field: SecretField) => {
    if (value === null) return null;
    try {
      return box.open(value, field);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      throw new SecretKeyError(
        `cannot decrypt the stored ${field} of account ${id} (${sealed.label}) with ` +
          `${keySource}: the database was written with a different secret key, or the value is damaged`,
        id,
      );
    }
  };
  return { password: open(sealed.password_enc, 'password'), cookie: open(sealed.cookie_enc, 'cookie') };
}
