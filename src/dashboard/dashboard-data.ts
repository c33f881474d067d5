import type { CatalogEntry } from '../pool/model-catalog.js';
import type { PoolReport } from '../pool/pool-report.js';
import type { AccountStatus } from '../pool/status.js';
import type { Account, CachedModel, UsageBucket, UsageSummary } from '../store/index.js';
import type { TrafficLog, TrafficSeries } from './traffic-log.js';

/** A value now, or once a (PostgreSQL) store has answered. */
type Awaitable<T> = T | Promise<T>;

/** What the dashboard reads, wired by the composition root (the dashboard never opens the store). */
export interface DashboardSources {
  poolReport: () => Awaitable<PoolReport>;
  listAccounts: () => Awaitable<Account[]>;
  /** Usage totals per account from `since` on (the last hour's requests and errors). */
  usageSince: (since: number) => Awaitable<UsageSummary>;
  /** Usage per time bucket and model / client key hash, from `since` on. */
  usageByModel: (since: number, bucketMs: number) => Awaitable<UsageBucket[]>;
  usageByClientKey: (since: number, bucketMs: number) => Awaitable<UsageBucket[]>;
  /** The models the pool serves (aliases included). */
  catalog: () => CatalogEntry[];
  /** Every account's cached model list. */
  accountModels: () => Awaitable<CachedModel[]>;
}

/** One account's row in the Pool view. */
export interface PoolRow {
  id: number;
  label: string;
  kind: Account['kind'];
  status: AccountStatus;
  enabled: boolean;
  /** Why the account is not serving (last error, "all slots busy", …), or null. */
  reason: string | null;
  cooldownRemainingMs: number | null;
  restingModels: Array<{ model: string; remainingMs: number }>;
  plan: string | null;
  inFlight: number;
  idleTasks: number;
  limit: number;
  requestsLastHour: number;
  errorsLastHour: number;
  lastError: string | null;
  sessionAgeMs: number | null;
}

export interface PoolView {
  totals: Omit<PoolReport, 'accounts'>;
  rows: PoolRow[];
}

const HOUR_MS = 3_600_000;

function reasonOf(status: AccountStatus, lastError: string | null): string | null {
  switch (status) {
    case 'active':
      return null;
    case 'locked':
      return 'every slot is serving a request';
    case 'disabled':
      return 'switched off by an operator';
    case 'unverified':
      return lastError ?? 'not checked against the upstream yet';
    case 'cooling':
    case 'expired':
    case 'invalid':
      return lastError;
  }
}

/** The Pool view: `/admin/pool/status` with each account's last hour of usage and session age. */
export async function buildPoolView(sources: DashboardSources, now: number): Promise<PoolView> {
  const { accounts: reportRows, ...totals } = await sources.poolReport();
  const accounts = new Map((await sources.listAccounts()).map((account) => [account.id, account]));
  const usage = new Map(
    (await sources.usageSince(now - HOUR_MS)).byAccount.map((row) => [row.accountId, row]),
  );
  const rows = reportRows.map((row): PoolRow => {
    const account = accounts.get(row.id);
    const used = usage.get(row.id);
    const obtained = account?.cookieObtainedAt ?? null;
    return {
      id: row.id,
      label: row.label,
      kind: row.kind,
      status: row.status,
      enabled: account?.enabled ?? row.status !== 'disabled',
      reason: reasonOf(row.status, row.lastError),
      cooldownRemainingMs:
        row.status === 'cooling' && row.cooldownUntil !== null ? Math.max(0, row.cooldownUntil - now) : null,
      restingModels: row.modelCooldowns.map((rest) => ({
        model: rest.model,
        remainingMs: Math.max(0, rest.until - now),
      })),
      plan: row.plan,
      inFlight: row.inFlight,
      idleTasks: row.idleTasks,
      limit: row.maxConcurrency,
      requestsLastHour: used?.requests ?? 0,
      errorsLastHour: used === undefined ? 0 : used.requests - used.succeeded,
      lastError: row.lastError,
      sessionAgeMs: obtained === null ? null : Math.max(0, now - obtained),
    };
  });
  return { totals, rows };
}

/** One model the pool serves and the accounts whose plan allows it. */
export interface ModelRow {
  id: string;
  upstreamName: string;
  alias: boolean;
  accounts: Array<{ id: number; label: string }>;
}

/** The Models view: every servable model (aliases after the models), with the accounts that allow it. */
export async function buildModelRows(sources: DashboardSources): Promise<ModelRow[]> {
  const labels = new Map((await sources.listAccounts()).map((account) => [account.id, account.label]));
  const byName = new Map<string, Set<number>>();
  for (const model of await sources.accountModels()) {
    const ids = byName.get(model.name) ?? new Set<number>();
    ids.add(model.accountId);
    byName.set(model.name, ids);
  }
  return sources.catalog().map((entry) => ({
    id: entry.id,
    upstreamName: entry.upstreamName,
    alias: entry.id !== entry.upstreamName,
    accounts: [...(byName.get(entry.upstreamName) ?? [])]
      .sort((a, b) => a - b)
      .map((id) => ({ id, label: labels.get(id) ?? `#${id}` })),
  }));
}

/** Hourly token totals of the last 24 h, one series per model or client key (biggest first). */
export interface TokenChart {
  /** Start of each hour, ms since the epoch. */
  hours: number[];
  series: Array<{ label: string; tokens: number[] }>;
}

/** At most this many series per chart; the rest are summed as "other". */
const MAX_SERIES = 6;

function tokenChart(
  buckets: readonly UsageBucket[],
  now: number,
  label: (key: string | null) => string,
): TokenChart {
  const last = Math.floor(now / HOUR_MS) * HOUR_MS;
  const hours = Array.from({ length: 24 }, (_, i) => last - (23 - i) * HOUR_MS);
  const index = new Map(hours.map((hour, i) => [hour, i]));
  const byKey = new Map<string, number[]>();
  for (const bucket of buckets) {
    const i = index.get(bucket.at);
    if (i === undefined) continue;
    const name = label(bucket.key);
    const tokens = byKey.get(name) ?? new Array<number>(24).fill(0);
    tokens[i]! += bucket.totalTokens;
    byKey.set(name, tokens);
  }
  const total = (tokens: number[]): number => tokens.reduce((sum, n) => sum + n, 0);
  const ranked = [...byKey].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  const series = ranked.slice(0, MAX_SERIES).map(([name, tokens]) => ({ label: name, tokens }));
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length > 0)
    series.push({
      label: `other (${rest.length})`,
      tokens: hours.map((_, i) => rest.reduce((sum, [, tokens]) => sum + tokens[i]!, 0)),
    });
  return { hours, series };
}

/** A client key is shown by the start of its keyed hash: enough to tell keys apart, never the key. */
export const clientKeyLabel = (hash: string | null): string =>
  hash === null ? 'no key' : `key ${hash.slice(0, 8)}`;

/** What the Traffic charts draw (`GET /dashboard/api/traffic`). */
export interface TrafficData {
  now: number;
  perMinute: TrafficSeries;
  tokensByModel: TokenChart;
  tokensByClientKey: TokenChart;
}

/** The Traffic view's data: this process's per-minute figures and 24 h of tokens from the usage table. */
export async function buildTrafficData(
  sources: DashboardSources,
  traffic: TrafficLog,
  now: number,
): Promise<TrafficData> {
  const since = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
  return {
    now,
    perMinute: traffic.series(now),
    tokensByModel: tokenChart(
      await sources.usageByModel(since, HOUR_MS),
      now,
      (model) => model ?? 'unknown model',
    ),
    tokensByClientKey: tokenChart(await sources.usageByClientKey(since, HOUR_MS), now, clientKeyLabel),
  };
}

/** Totals over the traffic window, for the text beside the charts. */
export function trafficTotals(series: TrafficSeries): { requests: number; errors: number } {
  return {
    requests: series.requests.reduce((a, b) => a + b, 0),
    errors: series.errors.reduce((a, b) => a + b, 0),
  };
}
