/**
 * Validation of account input from the CLI and the admin API, and the mapping of an
 * `AccountPatch` to columns. Bad input throws InvalidRequestError naming the field.
 */
import { z } from 'zod';
import { InvalidRequestError } from '../util/errors.js';
import { ACCOUNT_STATES, type AccountPatch, type AccountState } from './account-types.js';
import { shortError } from './short-error.js';
import { toSqlBool } from './sql-types.js';

/** A value bound to an UPDATE parameter. */
export type SqlValue = string | number | null;

const MAX_LABEL = 100;
const MAX_EMAIL = 254;
const MAX_CONCURRENCY = 1000;

/** A trimmed, non-empty label of at most 100 printable characters. */
export function checkLabel(label: string): string {
  const value = label.trim();
  if (!isLabel(value)) {
    throw new InvalidRequestError(`label must be 1-${MAX_LABEL} printable characters`, { param: 'label' });
  }
  return value;
}

/** True when `value` would pass checkLabel unchanged. */
export function isLabel(value: string): boolean {
  return value === value.trim() && value !== '' && value.length <= MAX_LABEL && !hasControlChars(value);
}

/** A trimmed email address (shape only: something@something). */
export function checkEmail(email: string): string {
  const value = email.trim();
  if (value.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+$/.test(value)) {
    throw new InvalidRequestError('email is not a valid address', { param: 'email' });
  }
  return value;
}

/** A login name of a bearer platform (an e-mail or a username): 1-254 characters, no spaces. */
export function checkLoginName(login: string): string {
  const value = login.trim();
  if (value === '' || value.length > MAX_EMAIL || /\s/.test(value) || hasControlChars(value)) {
    throw new InvalidRequestError('email must be a login name without spaces (at most 254 characters)', {
      param: 'email',
    });
  }
  return value;
}

/** An upstream name as the config defines them (`monkeycode` or an `upstreams:` entry's name). */
export function checkUpstream(name: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) {
    throw new InvalidRequestError('upstream must be a configured upstream name', { param: 'upstream' });
  }
  return name;
}

/** A non-empty secret; `name` is the field for the error message. The value is never echoed. */
export function checkSecret(value: string, name: 'password' | 'cookie'): string {
  const trimmed = name === 'cookie' ? value.trim() : value;
  if (trimmed === '' || hasControlChars(trimmed)) {
    throw new InvalidRequestError(`${name} must be non-empty printable text`, { param: name });
  }
  return trimmed;
}

/** A per-account concurrency limit: integer 1-1000, or null for the configured default. */
export function checkMaxConcurrency(value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new InvalidRequestError(`maxConcurrency must be an integer from 1 to ${MAX_CONCURRENCY}`, {
      param: 'maxConcurrency',
    });
  }
  return value;
}

/** A known health state. */
export function checkState(value: string): AccountState {
  const parsed = z.enum(ACCOUNT_STATES).safeParse(value);
  if (!parsed.success) {
    throw new InvalidRequestError(`state must be one of ${ACCOUNT_STATES.join(', ')}`, { param: 'state' });
  }
  return parsed.data;
}

/** A millisecond timestamp, or null. */
export function checkTime(value: number | null, param: string): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRequestError(`${param} must be a millisecond timestamp`, { param });
  }
  return value;
}

/** Column → value for every field present in `patch`, validated. */
export function patchColumns(patch: AccountPatch): Map<string, SqlValue> {
  const out = new Map<string, SqlValue>();
  if (patch.label !== undefined) out.set('label', checkLabel(patch.label));
  if (patch.maxConcurrency !== undefined) {
    out.set('max_concurrency', checkMaxConcurrency(patch.maxConcurrency));
  }
  if (patch.enabled !== undefined) out.set('enabled', toSqlBool(patch.enabled));
  if (patch.state !== undefined) out.set('state', checkState(patch.state));
  if (patch.lastError !== undefined) out.set('last_error', shortError(patch.lastError));
  if (patch.cooldownUntil !== undefined) {
    out.set('cooldown_until', checkTime(patch.cooldownUntil, 'cooldownUntil'));
  }
  if (patch.lastCheckedAt !== undefined) {
    out.set('last_checked_at', checkTime(patch.lastCheckedAt, 'lastCheckedAt'));
  }
  if (patch.upstreamUserId !== undefined) out.set('upstream_user_id', patch.upstreamUserId);
  if (patch.upstreamUserName !== undefined) out.set('upstream_user_name', patch.upstreamUserName);
  if (patch.plan !== undefined) out.set('plan', patch.plan);
  return out;
}

function hasControlChars(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  return /[\u0000-\u001f\u007f]/.test(value);
}
