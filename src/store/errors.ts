/**
 * Errors raised by the store. `ConflictError` is a request-level 409 (the admin API and the CLI
 * decide whether to update the existing account instead); the others are configuration problems
 * that stop the CLI with one line (`UserError`) and never carry a secret.
 */
import { RelayError, UserError, type RelayErrorOptions } from '../util/errors.js';

/** Which unique account attribute collided. */
export type ConflictField = 'label' | 'email' | 'cookie';

/** 409: an account with the same label, email or session cookie already exists. */
export class ConflictError extends RelayError {
  readonly status = 409;
  readonly type = 'invalid_request_error' as const;
  readonly retryable = false;
  /** Id of the account that already holds the value. */
  readonly accountId: number;
  readonly field: ConflictField;

  constructor(field: ConflictField, accountId: number, options: RelayErrorOptions = {}) {
    super(`an account with this ${field} already exists (account ${accountId})`, 'account_conflict', {
      param: field,
      ...options,
    });
    this.accountId = accountId;
    this.field = field;
  }
}

/** The secret key is malformed, unreadable, or does not decrypt a stored value. */
export class SecretKeyError extends UserError {
  /** The account whose secret could not be decrypted, when that is what failed. */
  readonly accountId: number | null;

  constructor(message: string, accountId: number | null = null) {
    super(message);
    this.name = 'SecretKeyError';
    this.accountId = accountId;
  }
}

/** The database was written by a newer relaypool (or is not a relaypool database). */
export class SchemaVersionError extends UserError {
  readonly found: number;
  readonly known: number;

  constructor(file: string, found: number, known: number) {
    super(
      `database ${file} has schema version ${found}, but this relaypool only knows up to ${known}; ` +
        'upgrade relaypool or point --db at another file',
    );
    this.name = 'SchemaVersionError';
    this.found = found;
    this.known = known;
  }
}
