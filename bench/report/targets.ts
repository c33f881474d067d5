import type { GrowthResult } from '../scenarios/growth.js';
import type { OpenStreamsResult } from '../scenarios/open-streams.js';
import type { PoolBottleneckResult } from '../scenarios/pool-bottleneck.js';
import type { ReadinessResult } from '../scenarios/readiness.js';
import type { AddedSummary, ModeSummary } from './aggregate.js';
import type { BackendComparison } from './backends.js';

/** One target of the benchmark issue and what this run measured. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

/** Everything the targets are judged on (absent parts were not run). */
export interface TargetInputs {
  added: AddedSummary[];
  modes: ModeSummary[];
  readiness: ReadinessResult[] | null;
  startup: number | null;
  openStreams: OpenStreamsResult | null;
  growth: GrowthResult | null;
  pool: PoolBottleneckResult | null;
  postgres: BackendComparison | null;
}

const NOT_RUN: Omit<TargetCheck, 'target'> = { measured: 'not run', pass: null };

function added(inputs: TargetInputs, concurrency: number): AddedSummary | undefined {
  return inputs.added.find((a) => a.concurrency === concurrency && a.mode === 'stream');
}

/**
 * What a throughput ratio leaves relaypool when the machine is saturated (c=128 on 2 cores):
 * requests/s is then inversely proportional to the CPU all processes spend per request, so
 * relaypool's share may be at most direct's total (fake + direct client) / ratio minus what the
 * fake and the load generator spend through relaypool. Null when a phase is missing.
 */
export function throughputBudget(
  modes: readonly ModeSummary[],
  concurrency: number,
  ratio: number,
): { budgetMs: number; spentMs: number; directClientMs: number } | null {
  const direct = modes.find((m) => m.concurrency === concurrency && m.mode === 'direct');
  const relay = modes.find((m) => m.concurrency === concurrency && m.mode === 'stream');
  if (!direct || !relay) return null;
  const budget =
    (direct.fakeCpuMsPerReq + direct.loadCpuMsPerReq) / ratio - relay.fakeCpuMsPerReq - relay.loadCpuMsPerReq;
  const round2 = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    budgetMs: round2(budget),
    spentMs: round2(relay.proxyCpuMsPerReq),
    directClientMs: round2(direct.loadCpuMsPerReq),
  };
}

function throughputMeasured(inputs: TargetInputs, c128: AddedSummary): string {
  const ratio = `${Math.round(c128.throughputRatio * 100)} %`;
  const budget = throughputBudget(inputs.modes, 128, 0.9);
  if (budget === null) return ratio;
  return `${ratio} (90 % leaves relaypool ≤ ${budget.budgetMs} ms CPU/request — the direct client alone spends ${budget.directClientMs} ms; relaypool spent ${budget.spentMs} ms)`;
}

function readinessCheck(results: ReadinessResult[] | null, bootMs: number, maxReads: number): TargetCheck {
  const target = `readiness, ${bootMs / 1000} s boot: stream ≤ 150 ms (p50) after \`processing\`, ≤ ${maxReads} status reads per task`;
  const r = results?.find((x) => x.bootMs === bootMs);
  if (!r) return { target, ...NOT_RUN };
  return {
    target,
    measured: `${r.lagP50Ms} ms, ${r.readsMedian} reads (max ${r.readsMax})`,
    pass: r.lagP50Ms <= 150 && r.readsMedian <= maxReads && r.failures === 0,
  };
}

const signed = (ms: number): string => `${ms >= 0 ? '+' : ''}${ms} ms`;

/** PostgreSQL against SQLite in the same run (issue 12): added TTFB at c=1, CPU per request at the highest level. */
function postgresChecks(comparison: BackendComparison | null): TargetCheck[] {
  const ttfbTarget = 'PostgreSQL adds ≤ 2 ms TTFB p50 at c=1 (stream, vs SQLite in the same run)';
  const cpuTarget = 'information: CPU per request on PostgreSQL (stream, highest concurrency)';
  if (comparison === null) return [ttfbTarget, cpuTarget].map((target) => ({ target, ...NOT_RUN }));
  const c1 = comparison.added.find((a) => a.concurrency === 1);
  const failed = comparison.backends.some((b) => b.failed > 0);
  const top = comparison.added[comparison.added.length - 1];
  const at = (backend: 'sqlite' | 'postgres') =>
    comparison.backends.find((b) => b.concurrency === top?.concurrency && b.backend === backend);
  const pg = at('postgres');
  const lite = at('sqlite');
  return [
    {
      target: ttfbTarget,
      ...(c1
        ? {
            measured: `${signed(c1.addedTtfbP50Ms)} (p95 ${signed(c1.addedTtfbP95Ms)})${failed ? '; requests failed' : ''}`,
            pass: c1.addedTtfbP50Ms <= 2 && !failed,
          }
        : NOT_RUN),
    },
    {
      target: cpuTarget,
      ...(top && pg && lite
        ? {
            measured: `c=${top.concurrency}: relaypool ${pg.proxyCpuMsPerReq} ms (on SQLite ${lite.proxyCpuMsPerReq} ms) + PostgreSQL server ${pg.dbCpuMsPerReq ?? 0} ms; ${Math.round(top.throughputRatio * 100)} % of SQLite's requests/s`,
            pass: null,
          }
        : NOT_RUN),
    },
  ];
}

/** Judge the targets of issues 15 and 12 (2-core machine); throughput and slot utilisation are information. */
export function checkTargets(inputs: TargetInputs): TargetCheck[] {
  const c1 = added(inputs, 1);
  const c128 = added(inputs, 128);
  const stream128 = inputs.modes.find((m) => m.concurrency === 128 && m.mode === 'stream');
  const { openStreams: o, growth, pool } = inputs;
  return [
    readinessCheck(inputs.readiness, 1500, 5),
    // About one read per second of boot: 8 s → ≤ 9 reads.
    readinessCheck(inputs.readiness, 8000, 9),
    ...postgresChecks(inputs.postgres),
    {
      target: `private memory (RssAnon) ≤ 80 MB with ${o?.streams ?? 256} open streams`,
      ...(o
        ? {
            measured: `${o.anonOpenMb} MB (${o.opened} open; idle ${o.anonIdleMb} MB, ${o.anonKbPerStream} KB per stream)`,
            pass: o.anonOpenMb <= 80 && o.opened === o.streams,
          }
        : NOT_RUN),
    },
    {
      target: 'private memory ≤ 1.25× idle 10 s after the streams closed',
      ...(o
        ? {
            measured: `${o.anonAfter10sMb} MB (${Math.round((o.anonAfter10sMb / Math.max(1, o.anonIdleMb)) * 100) / 100}× idle)`,
            pass: o.anonAfter10sMb <= 1.25 * o.anonIdleMb,
          }
        : NOT_RUN),
    },
    {
      target: 'relaypool CPU per request ≤ 2.8 ms at c=128 (stream)',
      ...(stream128
        ? { measured: `${stream128.proxyCpuMsPerReq} ms`, pass: stream128.proxyCpuMsPerReq <= 2.8 }
        : NOT_RUN),
    },
    {
      target: 'added TTFB p50 ≤ 1 ms at c=1 (stream, task ready at once)',
      ...(c1 ? { measured: `${c1.addedTtfbP50Ms} ms`, pass: c1.addedTtfbP50Ms <= 1 } : NOT_RUN),
    },
    {
      target: 'start-up: process start to /health answering (reported)',
      ...(inputs.startup !== null ? { measured: `${inputs.startup} ms`, pass: null } : NOT_RUN),
    },
    {
      target: 'no growth over 10 000 requests (heap after GC grows < 2 MB)',
      ...(growth
        ? {
            measured: `${growth.heapGrowthMb} MB heap, ${growth.rssGrowthMb} MB RSS over ${growth.requests}`,
            pass: growth.requests >= 10_000 ? growth.heapGrowthMb < 2 : null,
          }
        : NOT_RUN),
    },
    {
      target: 'information: throughput vs direct at c=128 (stream)',
      ...(c128 ? { measured: throughputMeasured(inputs, c128), pass: null } : NOT_RUN),
    },
    {
      target: 'information: pool bottleneck slot utilisation',
      ...(pool
        ? {
            measured: `${Math.round(pool.slotUtilisation * 1000) / 10} % (${pool.rejected429} × 429)`,
            pass: null,
          }
        : NOT_RUN),
    },
  ];
}
