import type { DbPhaseMetrics } from '../scenarios/phase.js';
import type { Backend, BackendRecord } from '../scenarios/postgres.js';
import { median, round } from './stats.js';

/** Medians over repeats of one (concurrency, backend). */
export interface BackendSummary {
  concurrency: number;
  backend: Backend;
  repeats: number;
  ok: number;
  failed: number;
  ttfbP50Ms: number;
  ttfbP95Ms: number;
  totalP50Ms: number;
  requestsPerSec: number;
  proxyCpuMsPerReq: number;
  /** The PostgreSQL server's CPU per request; null for SQLite (inside relaypool's own figure). */
  dbCpuMsPerReq: number | null;
  /** Statements relaypool ran on PostgreSQL per request; null for SQLite. */
  dbStatementsPerReq: number | null;
  /** PostgreSQL only: p50 of a `SELECT 1` round trip from the bench before the phases. */
  roundTripP50Ms: number | null;
  /** PostgreSQL's most frequent statements in the last repeat; empty for SQLite. */
  dbTop: DbPhaseMetrics['top'];
}

/** PostgreSQL minus SQLite at one concurrency, per repeat, then the median. */
export interface PostgresAdded {
  concurrency: number;
  addedTtfbP50Ms: number;
  addedTtfbP95Ms: number;
  /** relaypool's own CPU per request. */
  addedProxyCpuMsPerReq: number;
  /** PostgreSQL's requests/s over SQLite's. */
  throughputRatio: number;
}

/** What the SQLite vs PostgreSQL scenario reports. */
export interface BackendComparison {
  backends: BackendSummary[];
  added: PostgresAdded[];
}

const failedCount = (r: BackendRecord): number => Object.values(r.failures).reduce((a, b) => a + b, 0);

function summarize(group: BackendRecord[], first: BackendRecord): BackendSummary {
  const m = (pick: (r: BackendRecord) => number): number => round(median(group.map(pick)), 3);
  return {
    concurrency: first.concurrency,
    backend: first.backend,
    repeats: group.length,
    ok: group.reduce((s, r) => s + r.ok, 0),
    failed: group.reduce((s, r) => s + failedCount(r), 0),
    ttfbP50Ms: m((r) => r.ttfbP50Ms),
    ttfbP95Ms: m((r) => r.ttfbP95Ms),
    totalP50Ms: m((r) => r.totalP50Ms),
    requestsPerSec: m((r) => r.requestsPerSec),
    proxyCpuMsPerReq: m((r) => r.proxyCpuMsPerReq),
    dbCpuMsPerReq: first.db === null ? null : m((r) => r.db?.cpuMsPerReq ?? 0),
    dbStatementsPerReq: first.db === null ? null : m((r) => r.db?.statementsPerReq ?? 0),
    roundTripP50Ms: first.roundTripP50Ms === null ? null : m((r) => r.roundTripP50Ms ?? 0),
    dbTop: group[group.length - 1]?.db?.top ?? [],
  };
}

/** Medians per (concurrency, backend), and PostgreSQL − SQLite paired by repeat. */
export function compareBackends(records: readonly BackendRecord[]): BackendComparison {
  const backends: BackendSummary[] = [];
  const added: PostgresAdded[] = [];
  for (const concurrency of [...new Set(records.map((r) => r.concurrency))]) {
    const at = records.filter((r) => r.concurrency === concurrency);
    for (const backend of ['sqlite', 'postgres'] as const) {
      const group = at.filter((r) => r.backend === backend);
      if (group[0] !== undefined) backends.push(summarize(group, group[0]));
    }
    const pairs = at
      .filter((r) => r.backend === 'postgres')
      .flatMap((pg) => {
        const lite = at.find((r) => r.backend === 'sqlite' && r.repeat === pg.repeat);
        return lite === undefined ? [] : [{ pg, lite }];
      });
    if (pairs.length === 0) continue;
    const diff = (pick: (r: BackendRecord) => number): number =>
      round(median(pairs.map((p) => pick(p.pg) - pick(p.lite))), 3);
    added.push({
      concurrency,
      addedTtfbP50Ms: diff((r) => r.ttfbP50Ms),
      addedTtfbP95Ms: diff((r) => r.ttfbP95Ms),
      addedProxyCpuMsPerReq: diff((r) => r.proxyCpuMsPerReq),
      throughputRatio: round(
        median(pairs.map((p) => p.pg.requestsPerSec / Math.max(0.001, p.lite.requestsPerSec))),
        3,
      ),
    });
  }
  return { backends, added };
}
