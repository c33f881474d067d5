/** Turning `accounts.add` input into a validated row with sealed secrets, and default labels. */
import { z } from 'zod';
import { InvalidRequestError } from '../util/errors.js';
import * as input from './account-input.js';
import { ACCOUNT_KINDS, type AccountKind, type AccountState, type NewAccount } from './account-types.js';
import type { SecretBox } from './secret-box.js';

/** The INSERT parameters of a new account. `label` null means "pick a default after insert". */
export interface NewAccountRow {
  label: string | null;
  kind: AccountKind;
  email: string | null;
  state: AccountState;
  passwordEnc: string | null;
  cookieEnc: string | null;
  fingerprint: string | null;
  cookieObtainedAt: number | null;
  cookieExpiresAt: number | null;
  maxConcurrency: number | null;
  now: number;
  upstream: string;
}

/** Validate `account` and seal its secrets. InvalidRequestError names the first bad field. */
export function toNewAccountRow(account: NewAccount, box: SecretBox, now: number): NewAccountRow {
  const kind = z.enum(ACCOUNT_KINDS).safeParse(account.kind);
  if (!kind.success) throw new InvalidRequestError('kind must be cookie or password', { param: 'kind' });
  const upstream = input.checkUpstream(account.upstream ?? 'monkeycode');
  // Bearer platforms log in with a name that need not be an e-mail (Aeio: a username).
  const email =
    account.email === undefined
      ? null
      : upstream === 'monkeycode'
        ? input.checkEmail(account.email)
        : input.checkLoginName(account.email);
  const password = account.password === undefined ? null : input.checkSecret(account.password, 'password');
  const cookie = account.cookie === undefined ? null : input.checkSecret(account.cookie, 'cookie');
  if (kind.data === 'password' && (email === null || password === null)) {
    throw new InvalidRequestError('a password account needs an email and a password', {
      param: email === null ? 'email' : 'password',
    });
  }
  if (kind.data === 'cookie' && cookie === null) {
    throw new InvalidRequestError('a cookie account needs a cookie', { param: 'cookie' });
  }
  return {
    label: account.label === undefined ? null : input.checkLabel(account.label),
    kind: kind.data,
    email,
    state: input.checkState(account.state ?? 'unverified'),
    passwordEnc: password === null ? null : box.seal(password, 'password'),
    cookieEnc: cookie === null ? null : box.seal(cookie, 'cookie'),
    fingerprint: cookie === null ? null : box.fingerprint(cookie),
    cookieObtainedAt:
      cookie === null ? null : input.checkTime(account.cookieObtainedAt ?? now, 'cookieObtainedAt'),
    cookieExpiresAt:
      cookie === null ? null : input.checkTime(account.cookieExpiresAt ?? null, 'cookieExpiresAt'),
    maxConcurrency: input.checkMaxConcurrency(account.maxConcurrency ?? null),
    now,
    upstream,
  };
}

/**
 * Default label of account `id`: its email, else `account-<id>`, suffixed `-2`, `-3`… when an
 * operator already uses that label. A default never raises a ConflictError.
 */
export function pickDefaultLabel(
  id: number,
  email: string | null,
  idByLabel: (label: string) => number | null,
): string {
  if (email !== null && input.isLabel(email) && idByLabel(email) === null) return email;
  const base = `account-${id}`;
  let label = base;
  for (let n = 2; idByLabel(label) !== null; n += 1) label = `${base}-${n}`;
  return label;
}
