import type { Mode, PhaseRecord } from '../scenarios/latency.js';
import type { PhaseMetrics } from '../scenarios/phase.js';
import { median, round } from './stats.js';

/** The per-phase metrics that are summarised as medians over repeats. */
type Metric =
  | 'ttfbP50Ms'
  | 'ttfbP99Ms'
  | 'totalP50Ms'
  | 'totalP99Ms'
  | 'requestsPerSec'
  | 'chunksPerSec'
  | 'proxyCpuMsPerReq'
  | 'fakeCpuMsPerReq'
  | 'loadCpuMsPerReq'
  | 'proxyEldP99Ms';

/** Medians over repeats of one (concurrency, mode). */
export type ModeSummary = {
  concurrency: number;
  mode: Mode;
  repeats: number;
  ok: number;
  failed: number;
} & Pick<PhaseMetrics, Metric>;

/** relaypool minus direct (per repeat, then the median), and relaypool / direct throughput. */
export interface AddedSummary {
  concurrency: number;
  mode: Exclude<Mode, 'direct'>;
  addedTtfbP50Ms: number;
  addedTtfbP99Ms: number;
  addedTotalP50Ms: number;
  addedTotalP99Ms: number;
  throughputRatio: number;
}

const failedCount = (record: PhaseRecord): number =>
  Object.values(record.failures).reduce((a, b) => a + b, 0);

/** Median of every metric over the repeats of each (concurrency, mode). */
export function summarizeModes(records: readonly PhaseRecord[]): ModeSummary[] {
  const keys = [...new Set(records.map((r) => `${r.concurrency}|${r.mode}`))];
  return keys.map((key) => {
    const group = records.filter((r) => `${r.concurrency}|${r.mode}` === key);
    const first = group[0];
    if (first === undefined) throw new Error('empty group');
    const m = (metric: Metric): number => round(median(group.map((r) => r[metric])), 3);
    return {
      concurrency: first.concurrency,
      mode: first.mode,
      repeats: group.length,
      ok: group.reduce((s, r) => s + r.ok, 0),
      failed: group.reduce((s, r) => s + failedCount(r), 0),
      ttfbP50Ms: m('ttfbP50Ms'),
      ttfbP99Ms: m('ttfbP99Ms'),
      totalP50Ms: m('totalP50Ms'),
      totalP99Ms: m('totalP99Ms'),
      requestsPerSec: m('requestsPerSec'),
      chunksPerSec: m('chunksPerSec'),
      proxyCpuMsPerReq: m('proxyCpuMsPerReq'),
      fakeCpuMsPerReq: m('fakeCpuMsPerReq'),
      loadCpuMsPerReq: m('loadCpuMsPerReq'),
      proxyEldP99Ms: m('proxyEldP99Ms'),
    };
  });
}

/** Added latency and throughput ratio of each relaypool mode against direct, paired by repeat. */
export function summarizeAdded(records: readonly PhaseRecord[]): AddedSummary[] {
  const out: AddedSummary[] = [];
  for (const concurrency of [...new Set(records.map((r) => r.concurrency))]) {
    for (const mode of ['stream', 'non-stream'] as const) {
      const pairs = records
        .filter((r) => r.concurrency === concurrency && r.mode === mode)
        .map((relay) => ({
          relay,
          direct: records.find(
            (d) => d.concurrency === concurrency && d.mode === 'direct' && d.repeat === relay.repeat,
          ),
        }))
        .flatMap(({ relay, direct }) => (direct === undefined ? [] : [{ relay, direct }]));
      if (pairs.length === 0) continue;
      const diff = (metric: Metric): number =>
        round(median(pairs.map((p) => p.relay[metric] - p.direct[metric])), 3);
      out.push({
        concurrency,
        mode,
        addedTtfbP50Ms: diff('ttfbP50Ms'),
        addedTtfbP99Ms: diff('ttfbP99Ms'),
        addedTotalP50Ms: diff('totalP50Ms'),
        addedTotalP99Ms: diff('totalP99Ms'),
        throughputRatio: round(
          median(pairs.map((p) => p.relay.requestsPerSec / Math.max(0.001, p.direct.requestsPerSec))),
          3,
        ),
      });
    }
  }
  return out;
}
