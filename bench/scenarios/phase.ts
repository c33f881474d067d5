import { cpuMsBetween, processStats } from '../ipc/process-stats.js';
import { closedLoop, type LoadOutcome, type LoopShape } from '../load/closed-loop.js';
import type { RequestSample } from '../load/samples.js';
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
  /** CPU of a database server per request (PostgreSQL); null without one (SQLite runs inside relaypool). */
  dbCpuMsPerReq: number | null;
  /** Event-loop delay p99 inside relaypool during the phase. */
  proxyEldP99Ms: number;
  proxyRssMb: number;
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
 * Warm up, then run one measured closed loop while reading CPU of all three processes (and of the
 * database server, when `dbCpuMs` reads one) and relaypool's event-loop delay. CPU is read after
 * the rig settled, so the background task stops of the phase's requests are counted too.
 */
export async function measurePhase(
  rig: Rig,
  shape: Omit<LoopShape, 'onProgress'>,
  send: (worker: number) => Promise<RequestSample>,
  dbCpuMs: (() => number) | null = null,
): Promise<PhaseMetrics> {
  const warmup = Math.max(2 * shape.concurrency, 30);
  await closedLoop({ ...shape, total: warmup }, send);
  await rig.settle();
  const proxyBefore = await rig.proxyStats(true);
  const fakeBefore = await rig.fakeStats();
  const loadBefore = processStats();
  const dbBefore = dbCpuMs?.() ?? 0;
  const outcome = await closedLoop(shape, send);
  const loadAfter = processStats();
  const proxyLoop = await rig.proxyStats(false);
  await rig.settle();
  const proxyAfter = await rig.proxyStats(false);
  const fakeAfter = await rig.fakeStats();
  const dbAfter = dbCpuMs?.() ?? 0;
  const ok = Math.max(1, outcome.samples.length);
  return {
    ...summarizeLoad(outcome),
    proxyCpuMsPerReq: round(cpuMsBetween(proxyBefore, proxyAfter) / ok, 3),
    fakeCpuMsPerReq: round(cpuMsBetween(fakeBefore, fakeAfter) / ok, 3),
    loadCpuMsPerReq: round(cpuMsBetween(loadBefore, loadAfter) / ok, 3),
    dbCpuMsPerReq: dbCpuMs === null ? null : round((dbAfter - dbBefore) / ok, 3),
    proxyEldP99Ms: round(proxyLoop.eldP99Ms, 2),
    proxyRssMb: round(proxyLoop.rssBytes / 2 ** 20, 1),
  };
}
