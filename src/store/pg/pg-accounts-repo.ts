/**
 * The accounts repository on PostgreSQL: the same contract as `../accounts-repo.ts` (public reads
 * never select secrets; `getSecrets` is the only way they leave the database).
 */
import { z } from 'zod';
import { openSecrets } from '../accounts-repo.js';
import { ACCOUNT_COLUMNS, accountRow } from '../account-row.js';
import type { AsyncAccountsRepo } from '../async-store.js';
import type { SecretBox } from '../secret-box.js';
import { parseRowOrNull, parseRows, sqlIntOrNull, sqlTextOrNull } from '../sql-types.js';
import { createPgAccountMutations } from './pg-account-mutations.js';
import { sql, type PgDb } from './pg-db.js';

/** What the repository needs. */
export interface PgAccountsRepoDeps {
  db: PgDb;
  box: SecretBox;
  now: () => number;
  /** Where the key came from, for decryption error messages. */
  keySource: string;
}

const select = (where: string) => sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ${where}`);
const byId = select('WHERE id = $1');
const all = select('ORDER BY id');
const byEmail = select("WHERE lower(email) = lower($1) ORDER BY kind = 'password' DESC, id LIMIT 1");
const byFingerprint = select('WHERE cookie_fingerprint = $1');
const sealedById = sql('SELECT label, password_enc, cookie_enc FROM accounts WHERE id = $1');
const deleteById = sql('DELETE FROM accounts WHERE id = $1');
const takeLock = sql(`
  UPDATE accounts SET login_owner = $2, login_until = $3
  WHERE id = $1 AND (login_owner IS NULL OR login_owner = $2 OR login_until IS NULL OR login_until <= $4)`);
const releaseLock = sql(
  'UPDATE accounts SET login_owner = NULL, login_until = NULL WHERE id = $1 AND login_owner = $2',
);
const readLock = sql('SELECT login_owner, login_until FROM accounts WHERE id = $1');
const lockRow = z.object({ login_owner: sqlTextOrNull, login_until: sqlIntOrNull });

/** Build the accounts repository on a migrated PostgreSQL database. */
export function createPgAccountsRepo({ db, box, now, keySource }: PgAccountsRepoDeps): AsyncAccountsRepo {
  const get = async (id: number) => parseRowOrNull(accountRow, await db.get(byId, [id]));
  const fingerprint = (cookie: string): string => box.fingerprint(cookie.trim());
  const findByCookieFingerprint = async (value: string) =>
    parseRowOrNull(accountRow, await db.get(byFingerprint, [value]));

  return {
    ...createPgAccountMutations(db, box, now),
    list: async () => parseRows(accountRow, await db.all(all)),
    get,
    findByEmail: async (email) => parseRowOrNull(accountRow, await db.get(byEmail, [email.trim()])),
    findByCookie: (cookie) => findByCookieFingerprint(fingerprint(cookie)),
    findByCookieFingerprint,
    cookieFingerprint: fingerprint,
    remove: async (id) => (await db.run(deleteById, [id])) > 0,
    getSecrets: async (id) => openSecrets(box, keySource, id, await db.get(sealedById, [id])),
    async tryLockLogin(id, owner, ttlMs) {
      const at = now();
      return (await db.run(takeLock, [id, owner, at + ttlMs, at])) > 0;
    },
    async unlockLogin(id, owner) {
      await db.run(releaseLock, [id, owner]);
    },
    async loginLockHolder(id) {
      const row = parseRowOrNull(lockRow, await db.get(readLock, [id]));
      if (row === null || row.login_owner === null || (row.login_until ?? 0) <= now()) return null;
      return row.login_owner;
    },
  };
}
