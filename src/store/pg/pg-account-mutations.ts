/**
 * Account writes on PostgreSQL. Each runs in a transaction holding one advisory lock shared by
 * every relaypool process, so the uniqueness checks and the write see the same data (SQLite gets
 * the same from IMMEDIATE transactions). Account writes are rare; the lock costs nothing measurable.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidRequestError } from '../../util/errors.js';
import type { UniqueValues } from '../account-conflicts.js';
import * as input from '../account-input.js';
import { pickDefaultLabel, toNewAccountRow } from '../account-new.js';
import { ACCOUNT_COLUMNS, accountRow } from '../account-row.js';
import type { Account } from '../account-types.js';
import type { AccountMutations } from '../account-mutations.js';
import type { Async } from '../async-store.js';
import { ConflictError } from '../errors.js';
import type { SecretBox } from '../secret-box.js';
import { parseRowOrNull, parseRows, sqlInt } from '../sql-types.js';
import { sql, type PgDb, type PgQueryable } from './pg-db.js';

const ACCOUNT_WRITE_LOCK = 0x6163_6374; // 'acct'

const lock = sql('SELECT pg_advisory_xact_lock($1)');
const byId = sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`);
const insert = sql(`
  INSERT INTO accounts (label, kind, email, state, password_enc, cookie_enc, cookie_fingerprint,
    cookie_obtained_at, cookie_expires_at, max_concurrency, created_at, updated_at, upstream)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`);
const setLabel = sql('UPDATE accounts SET label = $1 WHERE id = $2');
const labelsLike = sql('SELECT label FROM accounts WHERE label = $1 OR label LIKE $2');
const setCookie = sql(`
  UPDATE accounts SET cookie_enc = $1, cookie_fingerprint = $2, cookie_obtained_at = $3,
    cookie_expires_at = $4, updated_at = $5 WHERE id = $6`);
const setPassword = sql('UPDATE accounts SET password_enc = $1, updated_at = $2 WHERE id = $3');
const holders = {
  label: sql('SELECT id FROM accounts WHERE label = $1'),
  email: sql("SELECT id FROM accounts WHERE kind = 'password' AND lower(email) = lower($1)"),
  cookie: sql('SELECT id FROM accounts WHERE cookie_fingerprint = $1'),
};
const idRow = z.object({ id: sqlInt }).transform((row) => row.id);
const labelRow = z.object({ label: z.string() }).transform((row) => row.label);

/** The writing half of the PostgreSQL accounts repository. */
export function createPgAccountMutations(
  db: PgDb,
  box: SecretBox,
  now: () => number,
): Async<AccountMutations> {
  const locked = <T>(work: (tx: PgQueryable, get: (id: number) => Promise<Account | null>) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.run(lock, [ACCOUNT_WRITE_LOCK]);
      return work(tx, async (id) => parseRowOrNull(accountRow, await tx.get(byId, [id])));
    });

  return {
    add: (account) =>
      locked(async (tx, get) => {
        const row = toNewAccountRow(account, box, now());
        const passwordEmail = row.kind === 'password' ? row.email : null;
        await assertFree(tx, { label: row.label, passwordEmail, fingerprint: row.fingerprint });
        const values: unknown[] = [
          row.label ?? `pending-${randomUUID()}`,
          row.kind,
          row.email,
          row.state,
          row.passwordEnc,
        ];
        values.push(
          row.cookieEnc,
          row.fingerprint,
          row.cookieObtainedAt,
          row.cookieExpiresAt,
          row.maxConcurrency,
          row.now,
          row.upstream,
        );
        const id = idRow.parse(await tx.get(insert, values));
        if (row.label === null) {
          const taken = new Set(
            parseRows(labelRow, await tx.all(labelsLike, [row.email ?? '', `account-${id}%`])),
          );
          await tx.run(setLabel, [
            pickDefaultLabel(id, row.email, (label) => (taken.has(label) ? id : null)),
            id,
          ]);
        }
        const created = await get(id);
        if (!created) throw new Error('a just-inserted account could not be read back');
        return created;
      }),
    update: (id, patch) => {
      const columns = input.patchColumns(patch);
      return locked(async (tx, get) => {
        if (!(await get(id))) return null;
        const label = columns.get('label');
        if (typeof label === 'string') await assertFree(tx, { label, selfId: id });
        if (columns.size === 0) return get(id);
        // Column names come from patchColumns' fixed list, never from input.
        const sets = [...columns.keys()].map((column, i) => `${column} = $${i + 1}`).join(', ');
        const n = columns.size;
        await tx.run(sql(`UPDATE accounts SET ${sets}, updated_at = $${n + 1} WHERE id = $${n + 2}`), [
          ...columns.values(),
          now(),
          id,
        ]);
        return get(id);
      });
    },
    setCookie: (id, cookie, times = {}) => {
      const value = input.checkSecret(cookie, 'cookie');
      return locked(async (tx, get) => {
        if (!(await get(id))) return null;
        const fingerprint = box.fingerprint(value);
        await assertFree(tx, { fingerprint, selfId: id });
        const obtainedAt = input.checkTime(times.obtainedAt ?? now(), 'obtainedAt');
        const expiresAt = input.checkTime(times.expiresAt ?? null, 'expiresAt');
        await tx.run(setCookie, [box.seal(value, 'cookie'), fingerprint, obtainedAt, expiresAt, now(), id]);
        return get(id);
      });
    },
    setPassword: (id, password) => {
      const sealed = box.seal(input.checkSecret(password, 'password'), 'password');
      return locked(async (tx, get) => {
        const account = await get(id);
        if (!account) return null;
        if (account.kind !== 'password') {
          throw new InvalidRequestError(`account ${id} is a cookie account and has no password`, {
            param: 'password',
          });
        }
        await tx.run(setPassword, [sealed, now(), id]);
        return get(id);
      });
    },
  };
}

/** Throw ConflictError when another account holds one of the values (see `../account-conflicts.ts`). */
async function assertFree(tx: PgQueryable, values: UniqueValues): Promise<void> {
  const checks = [
    ['label', values.label],
    ['email', values.passwordEmail],
    ['cookie', values.fingerprint],
  ] as const;
  for (const [field, value] of checks) {
    if (value === null || value === undefined) continue;
    const id = parseRowOrNull(idRow, await tx.get(holders[field], [value]));
    if (id !== null && id !== values.selfId) throw new ConflictError(field, id);
  }
}
