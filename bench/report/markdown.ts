import type { MachineInfo } from '../machine.js';
import type { ProfileSummary } from '../profile/summarize-profile.js';
import type { CriticalPathResult } from '../scenarios/critical-path.js';
import type { GrowthResult } from '../scenarios/growth.js';
import type { OpenStreamsResult } from '../scenarios/open-streams.js';
import type { PoolBottleneckResult } from '../scenarios/pool-bottleneck.js';
import type { ReadinessResult } from '../scenarios/readiness.js';
import type { AddedSummary, ModeSummary } from './aggregate.js';
import type { BackendComparison } from './backends.js';
import type { TargetCheck } from './targets.js';

/** Everything one run reports. */
export interface BenchReport {
  machine: MachineInfo;
  modes: ModeSummary[];
  added: AddedSummary[];
  readiness: ReadinessResult[] | null;
  /** Process start to `/health` answering (ms). */
  startup: number | null;
  openStreams: OpenStreamsResult | null;
  growth: GrowthResult | null;
  pool: PoolBottleneckResult | null;
  postgres: BackendComparison | null;
  criticalPath: CriticalPathResult | null;
  targets: TargetCheck[];
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const verdict = (pass: boolean | null): string => (pass === null ? '—' : pass ? 'pass' : '**FAIL**');

/** Where the time to first content goes at c=1, stage by stage (medians), direct vs relaypool. */
function renderCriticalPath(c: CriticalPathResult): string {
  const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v} ms`);
  const label = (pauseMs: number): string => (pauseMs === 0 ? 'back to back' : `${pauseMs} ms apart`);
  const first = c.passes[0];
  if (first === undefined) return '';
  return [
    `Time to first content at c=1, stage by stage (stream, medians of ${c.requestsPerMode} requests per mode and pass; steps from diagnostics channels in the load generator and relaypool):`,
    '',
    table(
      [
        'stage',
        ...c.passes.flatMap((p) => [`direct, ${label(p.pauseMs)}`, `relaypool, ${label(p.pauseMs)}`]),
      ],
      [
        ...first.stages.map((stage, i) => [
          stage.stage,
          ...c.passes.flatMap((p) => [ms(p.stages[i]?.directMs), ms(p.stages[i]?.relayMs)]),
        ]),
        ['**time to first content**', ...c.passes.flatMap((p) => [ms(p.ttfbDirectMs), ms(p.ttfbRelayMs)])],
      ],
    ),
  ].join('\n');
}

/** SQLite vs PostgreSQL (same fake, same accounts, interleaved phases), and what PostgreSQL ran per request. */
function renderBackends({ backends, added }: BackendComparison): string {
  const parts = [
    'SQLite vs PostgreSQL (streamed requests, one relaypool on each, same fake and accounts, phases interleaved; server = the PostgreSQL processes):',
    '',
    table(
      [
        'c',
        'store',
        'TTFB p50',
        'TTFB p95',
        'total p50',
        'req/s',
        'relaypool CPU/req',
        'server CPU/req',
        'statements/req',
        'failed',
      ],
      backends.map((b) => [
        b.concurrency,
        b.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        `${b.ttfbP50Ms} ms`,
        `${b.ttfbP95Ms} ms`,
        `${b.totalP50Ms} ms`,
        b.requestsPerSec,
        `${b.proxyCpuMsPerReq} ms`,
        b.dbCpuMsPerReq === null ? '—' : `${b.dbCpuMsPerReq} ms`,
        b.dbStatementsPerReq ?? '—',
        `${b.failed}/${b.ok + b.failed}`,
      ]),
    ),
    '',
    table(
      ['c', 'PostgreSQL adds: TTFB p50', 'TTFB p95', 'relaypool CPU/req', 'throughput vs SQLite'],
      added.map((a) => [
        a.concurrency,
        `${a.addedTtfbP50Ms} ms`,
        `${a.addedTtfbP95Ms} ms`,
        `${a.addedProxyCpuMsPerReq} ms`,
        `${Math.round(a.throughputRatio * 100)} %`,
      ]),
    ),
  ];
  const trips = backends.flatMap((b) =>
    b.roundTripP50Ms === null ? [] : [`${b.roundTripP50Ms} ms before the c=${b.concurrency} phases`],
  );
  if (trips.length > 0)
    parts.push('', `One \`SELECT 1\` round trip from the bench process (p50): ${trips.join(', ')}.`);
  const c1 = backends.find((b) => b.backend === 'postgres' && b.concurrency === 1);
  if (c1 && c1.dbTop.length > 0) {
    parts.push(
      '',
      'Most frequent PostgreSQL statements at c=1 (`pg_stat_statements`, last repeat):',
      '',
      table(
        ['per request', 'mean server time', 'statement'],
        c1.dbTop.map((s) => [s.perReq, `${s.meanMs} ms`, `\`${s.query.replace(/\|/g, '\\|')}\``]),
      ),
    );
  }
  return parts.join('\n');
}

function renderProfile(title: string, profile: ProfileSummary): string {
  return [
    `${title} (${profile.busyMs} ms busy), each sample charged to the nearest relaypool file on its stack:`,
    '',
    table(
      ['share', 'ms', 'charged to'],
      profile.byOwner.slice(0, 15).map((row) => [`${row.percent} %`, row.selfMs, `\`${row.name}\``]),
    ),
  ].join('\n');
}

/** The run as markdown tables (what the README's Performance section shows), plus a profile summary. */
export function renderMarkdown(
  report: BenchReport,
  profile: ProfileSummary | null = null,
  postgresProfile: ProfileSummary | null = null,
): string {
  const { machine } = report;
  const parts = [
    `Machine: ${machine.nproc} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; load average ${machine.loadAvgAtStart} at start (shared machine).`,
    '',
    table(
      [
        'c',
        'mode',
        'TTFB p50',
        'TTFB p99',
        'total p50',
        'total p99',
        'req/s',
        'chunks/s',
        'proxy CPU/req',
        'proxy ELD p99',
        'failed',
      ],
      report.modes.map((m) => [
        m.concurrency,
        m.mode,
        `${m.ttfbP50Ms} ms`,
        `${m.ttfbP99Ms} ms`,
        `${m.totalP50Ms} ms`,
        `${m.totalP99Ms} ms`,
        m.requestsPerSec,
        m.chunksPerSec,
        m.mode === 'direct' ? '—' : `${m.proxyCpuMsPerReq} ms`,
        m.mode === 'direct' ? '—' : `${m.proxyEldP99Ms} ms`,
        `${m.failed}/${m.ok + m.failed}`,
      ]),
    ),
    '',
    table(
      [
        'c',
        'mode',
        'added TTFB p50',
        'added TTFB p99',
        'added total p50',
        'added total p99',
        'throughput vs direct',
      ],
      report.added.map((a) => [
        a.concurrency,
        a.mode,
        `${a.addedTtfbP50Ms} ms`,
        `${a.addedTtfbP99Ms} ms`,
        `${a.addedTotalP50Ms} ms`,
        `${a.addedTotalP99Ms} ms`,
        `${Math.round(a.throughputRatio * 100)} %`,
      ]),
    ),
  ];
  const { openStreams: o, growth: g, pool: p, readiness: r } = report;
  if (report.criticalPath) parts.push('', renderCriticalPath(report.criticalPath));
  if (report.postgres) parts.push('', renderBackends(report.postgres));
  if (r) {
    parts.push(
      '',
      "Readiness of a new task (8 at a time, after as many warm-up tasks; lag = task `processing` → its stream opened, on the fake's clock):",
      '',
      table(
        ['VM boot', 'lag p50', 'lag p99', 'status reads per task (median / max)', 'tasks'],
        r.map((x) => [
          `${x.bootMs} ms`,
          `${x.lagP50Ms} ms`,
          `${x.lagP99Ms} ms`,
          `${x.readsMedian} / ${x.readsMax}`,
          x.tasks,
        ]),
      ),
    );
  }
  if (report.startup !== null)
    parts.push('', `Start-up: process start to \`/health\` answering ${report.startup} ms.`);
  if (o) {
    parts.push(
      '',
      `Memory: private (RssAnon) idle ${o.anonIdleMb} MB, ${o.opened}/${o.streams} open streams ${o.anonOpenMb} MB (${o.anonKbPerStream} KB per stream), 10 s after closing them ${o.anonAfter10sMb} MB. RSS idle ${o.rssIdleMb} MB (a process that only loads the dependencies: ${o.rssDependenciesMb} MB), open ${o.rssOpenMb} MB (${o.kbPerStream} KB RSS and ${o.heapKbPerStream} KB heap after GC per stream; ELD p99 ${o.eldP99OpenMs} ms while opening), after closing and a GC ${o.rssAfterMb} MB.`,
    );
  }
  if (g) {
    parts.push(
      '',
      `Long run: ${g.ok}/${g.requests} streamed requests at c=${g.concurrency}, heap after GC ${g.points[0]?.heapMb ?? 0} → ${g.points[g.points.length - 1]?.heapMb ?? 0} MB (slope ${g.heapSlopeKbPer1k} KB/1000 requests), RSS growth ${g.rssGrowthMb} MB.`,
    );
  }
  if (p) {
    parts.push(
      '',
      `Pool bottleneck: ${p.clients} clients on ${p.slots} slots, ${p.ok}/${p.requests} served, ${p.rejected429} × 429 (clients retry after 25 ms), wait p50 ${p.waitP50Ms} ms / p99 ${p.waitP99Ms} ms over an uncontended ${p.serviceP50Ms} ms, slots busy ${Math.round(p.slotUtilisation * 1000) / 10} %, ${p.requestsPerSec} req/s of an ideal ${p.idealRequestsPerSec}.`,
    );
  }
  parts.push(
    '',
    table(
      ['target', 'measured', 'verdict'],
      report.targets.map((t) => [t.target, t.measured, verdict(t.pass)]),
    ),
  );
  if (profile) parts.push('', renderProfile('relaypool CPU profile of the latency phases', profile));
  if (postgresProfile)
    parts.push(
      '',
      renderProfile(
        'CPU profile of the relaypool on PostgreSQL, first to last PostgreSQL phase',
        postgresProfile,
      ),
    );
  return `${parts.join('\n')}\n`;
}
