/** What the pool needs to know about an account to report on it (a subset of the store's view). */
export interface AccountSnapshot {
  id: number;
  label: string;
  kind: 'cookie' | 'password';
  state: 'unverified' | 'active' | 'cooling' | 'expired' | 'invalid';
  enabled: boolean;
  maxConcurrency: number | null;
  cooldownUntil: number | null;
  lastError: string | null;
  lastCheckedAt: number | null;
  /** The account's upstream (absent: the default `monkeycode`). */
  upstream?: string;
}

/** Status shown to operators: the health state, or `locked` / `disabled` on top of it. */
export type AccountStatus =
  'active' | 'locked' | 'cooling' | 'expired' | 'invalid' | 'disabled' | 'unverified';

export interface AccountStatusRow {
  id: number;
  label: string;
  kind: 'cookie' | 'password';
  status: AccountStatus;
  inFlight: number;
  /** Idle tasks kept for conversations (or warm) on this account; each holds a slot but yields it on demand. */
  idleTasks: number;
  /**
   * Slots other relaypool processes on the same database use to serve requests on this account
   * (a server's view; 0 in `relaypool pool status`, whose `inFlight` counts every process).
   */
  elsewhere: number;
  maxConcurrency: number;
  cooldownUntil: number | null;
  lastError: string | null;
  lastCheckedAt: number | null;
  upstream: string;
}

/** The counts of one upstream's accounts (they partition its `total`). */
export type UpstreamCounts = Pick<
  PoolStatus,
  | 'total'
  | 'active'
  | 'expired'
  | 'invalid'
  | 'locked'
  | 'cooling'
  | 'disabled'
  | 'unverified'
  | 'inFlight'
  | 'idleTasks'
  | 'elsewhere'
>;

/** Counts partition `total`: every account is in exactly one status. */
export interface PoolStatus {
  mode: 'single' | 'pool';
  total: number;
  active: number;
  expired: number;
  invalid: number;
  locked: number;
  cooling: number;
  disabled: number;
  unverified: number;
  inFlight: number;
  idleTasks: number;
  elsewhere: number;
  /** The same counts per upstream (`monkeycode` is the default upstream). */
  upstreams: Record<string, UpstreamCounts>;
  accounts: AccountStatusRow[];
}

function statusOf(account: AccountSnapshot, inFlight: number, max: number, now: number): AccountStatus {
  if (!account.enabled) return 'disabled';
  if (account.state === 'cooling' && (account.cooldownUntil ?? 0) > now) return 'cooling';
  if (account.state === 'expired' || account.state === 'invalid' || account.state === 'unverified')
    return account.state;
  return inFlight >= max ? 'locked' : 'active';
}

/**
 * Summarise the pool. `inFlight` maps account id → slots serving a request right now (an idle
 * task kept for a conversation does not count, docs/architecture.md §1); `idle` → idle tasks kept.
 */
export function summarizePool(
  accounts: readonly AccountSnapshot[],
  inFlight: ReadonlyMap<number, number>,
  defaultMaxConcurrency: number,
  now: number,
  idle: ReadonlyMap<number, number> = new Map(),
  elsewhere: ReadonlyMap<number, number> = new Map(),
): PoolStatus {
  const rows = accounts.map((account): AccountStatusRow => {
    const busy = inFlight.get(account.id) ?? 0;
    const theirs = elsewhere.get(account.id) ?? 0;
    const max = account.maxConcurrency ?? defaultMaxConcurrency;
    return {
      id: account.id,
      label: account.label,
      kind: account.kind,
      status: statusOf(account, busy + theirs, max, now),
      inFlight: busy,
      idleTasks: idle.get(account.id) ?? 0,
      elsewhere: theirs,
      maxConcurrency: max,
      cooldownUntil: account.cooldownUntil,
      lastError: account.lastError,
      lastCheckedAt: account.lastCheckedAt,
      upstream: account.upstream ?? 'monkeycode',
    };
  });
  const upstreams: Record<string, UpstreamCounts> = {};
  for (const name of new Set(rows.map((row) => row.upstream))) {
    upstreams[name] = countRows(rows.filter((row) => row.upstream === name));
  }
  return { mode: rows.length === 1 ? 'single' : 'pool', ...countRows(rows), upstreams, accounts: rows };
}

function countRows(rows: readonly AccountStatusRow[]): UpstreamCounts {
  const count = (status: AccountStatus): number => rows.filter((row) => row.status === status).length;
  return {
    total: rows.length,
    active: count('active'),
    expired: count('expired'),
    invalid: count('invalid'),
    locked: count('locked'),
    cooling: count('cooling'),
    disabled: count('disabled'),
    unverified: count('unverified'),
    inFlight: rows.reduce((sum, row) => sum + row.inFlight, 0),
    idleTasks: rows.reduce((sum, row) => sum + row.idleTasks, 0),
    elsewhere: rows.reduce((sum, row) => sum + row.elsewhere, 0),
  };
}
