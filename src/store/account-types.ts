/** Account domain types: the public view (no secrets) and the inputs the repo accepts. */

/** How the account authenticates upstream. */
export type AccountKind = 'cookie' | 'password';

/** Health state, written by the pool. */
export type AccountState = 'unverified' | 'active' | 'cooling' | 'expired' | 'invalid';

/**
 * The status as stored: `disabled` when switched off, otherwise the health state. The live status
 * operators see (`pool/status.ts` `AccountStatus`) adds `locked` (every slot busy) and ends a
 * cooldown whose time has passed.
 */
export type StoredAccountStatus = AccountState | 'disabled';

/** Every account kind, for parsers and CLI choices. */
export const ACCOUNT_KINDS = ['cookie', 'password'] as const satisfies readonly AccountKind[];

/** Every health state, for parsers. */
export const ACCOUNT_STATES = [
  'unverified',
  'active',
  'cooling',
  'expired',
  'invalid',
] as const satisfies readonly AccountState[];

/** An account as every caller sees it. It carries no secret and no ciphertext. */
export interface Account {
  id: number;
  label: string;
  kind: AccountKind;
  email: string | null;
  enabled: boolean;
  state: AccountState;
  status: StoredAccountStatus;
  hasPassword: boolean;
  hasCookie: boolean;
  cookieObtainedAt: number | null;
  cookieExpiresAt: number | null;
  /** Null means "use the configured default". */
  maxConcurrency: number | null;
  cooldownUntil: number | null;
  lastError: string | null;
  lastCheckedAt: number | null;
  upstreamUserId: string | null;
  upstreamUserName: string | null;
  plan: string | null;
  createdAt: number;
  updatedAt: number;
  /** The upstream (platform + base URL) the account belongs to; `monkeycode` is the default one. */
  upstream: string;
}

/** Input of `accounts.add`. A cookie account needs `cookie`; a password account `email` + `password`. */
export interface NewAccount {
  kind: AccountKind;
  /** Defaults to the email, else `account-<id>`. */
  label?: string | undefined;
  email?: string | undefined;
  password?: string | undefined;
  cookie?: string | undefined;
  cookieObtainedAt?: number | undefined;
  cookieExpiresAt?: number | null | undefined;
  maxConcurrency?: number | null | undefined;
  state?: AccountState | undefined;
  /** Default `monkeycode`. */
  upstream?: string | undefined;
}

/** Fields `accounts.update` may change; absent keys are left alone, `null` clears. */
export interface AccountPatch {
  label?: string;
  maxConcurrency?: number | null;
  enabled?: boolean;
  state?: AccountState;
  lastError?: string | null;
  cooldownUntil?: number | null;
  lastCheckedAt?: number | null;
  upstreamUserId?: string | null;
  upstreamUserName?: string | null;
  plan?: string | null;
}

/** Validity of a newly stored session cookie. */
export interface CookieTimes {
  obtainedAt?: number | undefined;
  expiresAt?: number | null | undefined;
}

/** Decrypted secrets of one account: the only form in which secrets leave the store. */
export interface AccountSecrets {
  password: string | null;
  cookie: string | null;
}
