import { Pool } from 'undici';
import { z } from 'zod';
import { replyText } from '../fake/bench-agents.js';
import { closedLoop } from '../load/closed-loop.js';
import { relayRequest } from '../load/relay-request.js';
import type { BenchOptions } from '../options.js';
import { round, slope } from '../report/stats.js';
import type { Rig } from '../rig.js';

/** One checkpoint of the long run: heap after a forced GC, and RSS, in relaypool. */
export interface GrowthPoint {
  requests: number;
  heapMb: number;
  rssMb: number;
}

/** Does relaypool's memory grow over a long run? */
export interface GrowthResult {
  requests: number;
  concurrency: number;
  ok: number;
  failures: Record<string, number>;
  points: GrowthPoint[];
  /** Heap after GC: last checkpoint minus the first (taken after 10 % of the run, warm). */
  heapGrowthMb: number;
  rssGrowthMb: number;
  /** Least-squares slope of heap after GC, KB per 1000 requests. */
  heapSlopeKbPer1k: number;
  requestsPerSec: number;
}

const mb = (bytes: number): number => round(bytes / 2 ** 20, 2);

/**
 * Send `options.growthRequests` streamed requests at `options.growthConcurrency` and take ten
 * checkpoints of relaypool's heap (after a forced GC) and RSS along the way.
 */
export async function runGrowth(
  rig: Rig,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<GrowthResult> {
  const total = options.growthRequests;
  const step = Math.max(1, Math.floor(total / 10));
  const pool = new Pool(rig.proxy.url, { connections: options.growthConcurrency });
  const expectedText = replyText({ chars: options.replyChars, chunks: options.replyChunks });
  const target = {
    dispatcher: pool,
    origin: rig.proxy.url,
    model: rig.model,
    prompt: 'growth',
    stream: true,
    expectedText,
  };
  const points: GrowthPoint[] = [];
  const checkpoint = async (finished: number): Promise<void> => {
    if (finished % step !== 0) return;
    const stats = await rig.proxyAfterGc();
    await rig.fake.call('prune', null, z.number());
    points.push({ requests: finished, heapMb: mb(stats.heapUsedBytes), rssMb: mb(stats.rssBytes) });
  };
  try {
    await rig.settle();
    const outcome = await closedLoop(
      { concurrency: options.growthConcurrency, total, maxWallMs: 600_000, onProgress: checkpoint },
      () => relayRequest(target),
    );
    await rig.settle();
    const last = await rig.proxyAfterGc();
    points.push({ requests: total, heapMb: mb(last.heapUsedBytes), rssMb: mb(last.rssBytes) });
    const first = points[0] ?? { requests: 0, heapMb: 0, rssMb: 0 };
    const end = points[points.length - 1] ?? first;
    const result: GrowthResult = {
      requests: total,
      concurrency: options.growthConcurrency,
      ok: outcome.samples.length,
      failures: outcome.failures,
      points,
      heapGrowthMb: round(end.heapMb - first.heapMb, 2),
      rssGrowthMb: round(end.rssMb - first.rssMb, 1),
      heapSlopeKbPer1k: round(slope(points.map((p) => ({ x: p.requests, y: p.heapMb * 1024 }))) * 1000, 1),
      requestsPerSec: round(outcome.samples.length / (outcome.wallMs / 1000), 1),
    };
    log(
      `  ${result.ok}/${total} ok; heap after GC ${first.heapMb} → ${end.heapMb} MB, RSS ${first.rssMb} → ${end.rssMb} MB`,
    );
    return result;
  } finally {
    await pool.close();
  }
}
