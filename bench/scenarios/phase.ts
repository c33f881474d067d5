import { cpuMsBetween, processStats } from '../ipc/process-stats.js';
import { closedLoop, type LoadOutcome, type LoopShape } from '../load/closed-loop.js';
import type { RequestSample } from '../load/samples.js';
import type { StatementCount } from '../postgres/statement-stats.js';
import { percentile, round } from '../report/stats.js';
import type { Rig } from '../rig.js';

/** What one measured phase (one concurrency, one mode, one repeat) produced. */
export interface PhaseMetrics {
  ok: number;
  failures: Record<string, number>;
  wallMs: number;
  ttfbP50Ms: number;
  ttfbP95Ms: number;
  ttfbP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  requestsPerSec: number;
  chunksPerSec: number;
  /** CPU per successful request, per process (ms). */
  proxyCpuMsPerReq: number;
  fakeCpuMsPerReq: number;
  loadCpuMsPerReq: number;
  /** A database server's share (PostgreSQL); null without one (SQLite runs inside relaypool). */
  db: DbPhaseMetrics | null;
  /** Event-loop delay p99 inside relaypool during the phase. */
  proxyEldP99Ms: number;
  proxyRssMb: number;
}

/** A database server measured over exactly a phase's measured window (PostgreSQL). */
export interface DbProbe {
  begin(): Promise<void>;
  end(): Promise<{ cpuMs: number; statements: StatementCount[] }>;
}

/** A database server's work per successful request of a phase. */
export interface DbPhaseMetrics {
  cpuMsPerReq: number;
  statementsPerReq: number;
  /** The most frequent statements: calls per request and mean server time per call. */
  top: { query: string; perReq: number; meanMs: number }[];
}

function perRequest(window: Awaited<ReturnType<DbProbe['end']>>, ok: number): DbPhaseMetrics {
  const calls = window.statements.reduce((sum, s) => sum + s.calls, 0);
  return {
    cpuMsPerReq: round(window.cpuMs / ok, 3),
    statementsPerReq: round(calls / ok, 2),
    top: window.statements.slice(0, 8).map((s) => ({
      query: s.query.slice(0, 100),
      perReq: round(s.calls / ok, 2),
      meanMs: round(s.totalMs / Math.max(1, s.calls), 3),
    })),
  };
}

/** Summarise a closed-loop outcome (latency percentiles, rates). */
export function summarizeLoad(
  outcome: LoadOutcome,
): Pick<
  PhaseMetrics,
  | 'ok'
  | 'failures'
  | 'wallMs'
  | 'ttfbP50Ms'
  | 'ttfbP95Ms'
  | 'ttfbP99Ms'
  | 'totalP50Ms'
  | 'totalP99Ms'
  | 'requestsPerSec'
  | 'chunksPerSec'
> {
  const ttfb = outcome.samples.map((s) => s.ttfbMs);
  const total = outcome.samples.map((s) => s.totalMs);
  const seconds = outcome.wallMs / 1000;
  return {
    ok: outcome.samples.length,
    failures: outcome.failures,
    wallMs: round(outcome.wallMs, 0),
    ttfbP50Ms: round(percentile(ttfb, 50), 3),
    ttfbP95Ms: round(percentile(ttfb, 95), 3),
    ttfbP99Ms: round(percentile(ttfb, 99), 3),
    totalP50Ms: round(percentile(total, 50), 3),
    totalP99Ms: round(percentile(total, 99), 3),
    requestsPerSec: round(outcome.samples.length / seconds, 1),
    chunksPerSec: round(outcome.samples.reduce((sum, s) => sum + s.chunks, 0) / seconds, 0),
  };
}

/**
 * Warm up, then run one measured closed loop while reading CPU of all three processes (and the
 * database server's CPU and statements, when `db` probes one) and relaypool's event-loop delay. CPU is read after
 * the rig settled, so the background task stops of the phase's requests are counted too.
 */
export async function measurePhase(
  rig: Rig,
  shape: Omit<LoopShape, 'onProgress'>,
  send: (worker: number) => Promise<RequestSample>,
  db: DbProbe | null = null,
): Promise<PhaseMetrics> {
  const warmup = Math.max(2 * shape.concurrency, 30);
  await closedLoop({ ...shape, total: warmup }, send);
  await rig.settle();
  await db?.begin();
  const proxyBefore = await rig.proxyStats(true);
  const fakeBefore = await rig.fakeStats();
  const loadBefore = processStats();
  const outcome = await closedLoop(shape, send);
  const loadAfter = processStats();
  const proxyLoop = await rig.proxyStats(false);
  await rig.settle();
  const proxyAfter = await rig.proxyStats(false);
  const fakeAfter = await rig.fakeStats();
  const dbWindow = await db?.end();
  const ok = Math.max(1, outcome.samples.length);
  return {
    ...summarizeLoad(outcome),
    proxyCpuMsPerReq: round(cpuMsBetween(proxyBefore, proxyAfter) / ok, 3),
    fakeCpuMsPerReq: round(cpuMsBetween(fakeBefore, fakeAfter) / ok, 3),
    loadCpuMsPerReq: round(cpuMsBetween(loadBefore, loadAfter) / ok, 3),
    db: dbWindow === undefined ? null : perRequest(dbWindow, ok),
    proxyEldP99Ms: round(proxyLoop.eldP99Ms, 2),
    proxyRssMb: round(proxyLoop.rssBytes / 2 ** 20, 1),
  };
}
