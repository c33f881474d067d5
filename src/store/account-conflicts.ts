/** Uniqueness checks for accounts, run inside the write transaction that would break them. */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { ConflictError } from './errors.js';
import { parseRowOrNull, sqlInt } from './sql-types.js';

const idRow = z.object({ id: sqlInt }).transform((row) => row.id);

/** Values that must be unique, with the account allowed to hold them already (on update). */
export interface UniqueValues {
  label?: string | null | undefined;
  /** Only for password accounts: email is unique among them, case-insensitively. */
  passwordEmail?: string | null | undefined;
  fingerprint?: string | null | undefined;
  selfId?: number | undefined;
}

/** Lookups of the account id holding a unique value. */
export interface AccountConflicts {
  /** Throw ConflictError when another account holds one of the values. */
  assertFree(values: UniqueValues): void;
  /** Id of the account labelled `label`, or null. */
  idByLabel(label: string): number | null;
}

/** Prepare the lookups on `db`. */
export function createAccountConflicts(db: Database): AccountConflicts {
  const byLabel = db.prepare('SELECT id FROM accounts WHERE label = ?');
  const byEmail = db.prepare("SELECT id FROM accounts WHERE kind = 'password' AND email = ? COLLATE NOCASE");
  const byFingerprint = db.prepare('SELECT id FROM accounts WHERE cookie_fingerprint = ?');

  const holder = (stmt: typeof byLabel, value: string | null | undefined): number | null =>
    value === null || value === undefined ? null : parseRowOrNull(idRow, stmt.get(value));

  return {
    idByLabel: (label) => holder(byLabel, label),
    assertFree(values) {
      const checks = [
        ['label', holder(byLabel, values.label)],
        ['email', holder(byEmail, values.passwordEmail)],
        ['cookie', holder(byFingerprint, values.fingerprint)],
      ] as const;
      for (const [field, id] of checks) {
        if (id !== null && id !== values.selfId) throw new ConflictError(field, id);
      }
    },
  };
}
