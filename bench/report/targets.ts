import type { GrowthResult } from '../scenarios/growth.js';
import type { OpenStreamsResult } from '../scenarios/open-streams.js';
import type { PoolBottleneckResult } from '../scenarios/pool-bottleneck.js';
import type { AddedSummary, ModeSummary } from './aggregate.js';

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
  openStreams: OpenStreamsResult | null;
  growth: GrowthResult | null;
  pool: PoolBottleneckResult | null;
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

/** Judge the targets (2-core machine; relative figures against direct on the same fake). */
export function checkTargets(inputs: TargetInputs): TargetCheck[] {
  const c1 = added(inputs, 1);
  const c128 = added(inputs, 128);
  const { openStreams, growth, pool } = inputs;
  return [
    {
      target: 'added TTFB p50 ≤ 1 ms at c=1 (stream)',
      ...(c1 ? { measured: `${c1.addedTtfbP50Ms} ms`, pass: c1.addedTtfbP50Ms <= 1 } : NOT_RUN),
    },
    {
      target: 'added TTFB p99 ≤ 5 ms at c=128 (stream)',
      ...(c128 ? { measured: `${c128.addedTtfbP99Ms} ms`, pass: c128.addedTtfbP99Ms <= 5 } : NOT_RUN),
    },
    {
      target: 'throughput ≥ 90 % of direct at c=128 (stream)',
      ...(c128 ? { measured: throughputMeasured(inputs, c128), pass: c128.throughputRatio >= 0.9 } : NOT_RUN),
    },
    {
      target: `RSS ≤ 100 MB with ${openStreams?.streams ?? 500} open streams`,
      ...(openStreams
        ? {
            measured: `${openStreams.rssOpenMb} MB (${openStreams.opened} open; the dependencies alone: ${openStreams.rssDependenciesMb} MB)`,
            pass: openStreams.rssOpenMb <= 100 && openStreams.opened === openStreams.streams,
          }
        : NOT_RUN),
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
      target: 'pool bottleneck: slot utilisation ≥ 95 %',
      ...(pool
        ? {
            measured: `${Math.round(pool.slotUtilisation * 1000) / 10} % (${pool.rejected429} × 429)`,
            pass: pool.slotUtilisation >= 0.95,
          }
        : NOT_RUN),
    },
  ];
}
