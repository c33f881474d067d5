/**
 * `npm run bench [-- --quick | --only latency,memory,growth,pool | --profile …]`: measures what
 * relaypool adds on top of talking to the upstream directly. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from './machine.js';
import { parseBenchOptions, type BenchOptions } from './options.js';
import { summarizeProfileIn, type ProfileSummary } from './profile/summarize-profile.js';
import { summarizeAdded, summarizeModes } from './report/aggregate.js';
import { renderMarkdown, type BenchReport } from './report/markdown.js';
import { compareBackends } from './report/backends.js';
import { checkTargets } from './report/targets.js';
import { runCriticalPath } from './scenarios/critical-path.js';
import { runGrowth, type GrowthResult } from './scenarios/growth.js';
import { runLatency, type PhaseRecord } from './scenarios/latency.js';
import { runOpenStreams } from './scenarios/open-streams.js';
import { runPoolBottleneck } from './scenarios/pool-bottleneck.js';
import { runPostgres, type PostgresRun } from './scenarios/postgres.js';
import { runReadiness } from './scenarios/readiness.js';
import { startRig } from './rig.js';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface MainRun {
  records: PhaseRecord[];
  growth: GrowthResult | null;
  profile: ProfileSummary | null;
  /** relaypool's start-up: process start to `/health` answering (ms). */
  startup: number | null;
}

/** The latency phases and the long run share one rig (fake + relaypool with many accounts). */
async function runMain(options: BenchOptions, profileDir: string | null): Promise<MainRun> {
  const wantLatency = options.scenarios.includes('latency');
  const wantGrowth = options.scenarios.includes('growth');
  if (!wantLatency && !wantGrowth) return { records: [], growth: null, profile: null, startup: null };
  const accounts = wantLatency ? options.accounts : options.growthConcurrency + 8;
  log(`starting fake + relaypool with ${accounts} accounts`);
  const rig = await startRig({
    accounts,
    slotsPerAccount: 1,
    upstreamSlotsPerUser: options.upstreamSlots,
    replyChars: options.replyChars,
    replyChunks: options.replyChunks,
    paceMs: options.paceMs,
    profileDir,
  });
  const startup = (await rig.proxyStats(false)).startupMs;
  try {
    let records: PhaseRecord[] = [];
    let profileWindow: { fromUs: number; toUs: number } | null = null;
    if (wantLatency) {
      log('latency and throughput (direct vs relaypool):');
      const from = await rig.proxyStats(false);
      records = await runLatency(rig, options, log);
      profileWindow = { fromUs: from.monoUs, toUs: (await rig.proxyStats(false)).monoUs };
    }
    let growth: GrowthResult | null = null;
    if (wantGrowth) {
      log(`long run (${options.growthRequests} requests):`);
      growth = await runGrowth(rig, options, log);
    }
    await rig.close();
    const profile = profileDir === null ? null : summarizeProfileIn(profileDir, profileWindow);
    return { records, growth, profile, startup };
  } finally {
    await rig.close();
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const machine = machineInfo();
  const started = performance.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(options.outDir, { recursive: true });
  const profileDir = options.profile ? join(options.outDir, `${stamp}-profile`) : null;
  log(
    `relaypool bench${options.quick ? ' (quick)' : ''}: ${machine.nproc} CPU (${machine.cpuModel}), Node ${machine.node}, load ${machine.loadAvgAtStart}`,
  );
  const main = await runMain(options, profileDir);
  let criticalPath = null;
  if (options.scenarios.includes('critical-path')) {
    log('critical path at c=1 (stream, direct vs relaypool, stage by stage):');
    criticalPath = await runCriticalPath(options, log);
  }
  let onPostgres: PostgresRun = { records: [], profile: null };
  if (options.scenarios.includes('postgres')) {
    log(`SQLite vs PostgreSQL (c=${options.postgresConcurrency.join(', ')}; embedded PostgreSQL):`);
    // A failure here (no PostgreSQL binaries for this platform, relaypool refusing the URL) must
    // not cost the other scenarios' results: say so, report the rest, exit 1.
    const pgProfileDir = profileDir === null ? null : join(profileDir, 'postgres');
    onPostgres = await runPostgres(options, log, pgProfileDir).catch((err: unknown) => {
      process.exitCode = 1;
      log(`  FAILED: ${err instanceof Error ? err.message : String(err)}`);
      return { records: [], profile: null };
    });
  }
  const backendRecords = onPostgres.records;
  const postgres = backendRecords.length > 0 ? compareBackends(backendRecords) : null;
  let readiness = null;
  if (options.scenarios.includes('readiness')) {
    log(`readiness (VM boot ${options.bootsMs.join(', ')} ms; 8 tasks at a time):`);
    const shape = {
      bootsMs: options.bootsMs,
      concurrency: 8,
      warmupTasks: options.readinessTasks,
      tasks: options.readinessTasks,
    };
    readiness = await runReadiness(shape, log);
  }
  let openStreams = null;
  if (options.scenarios.includes('memory')) {
    log(`memory (${options.openStreams} open streams):`);
    openStreams = await runOpenStreams(options, log);
  }
  let pool = null;
  if (options.scenarios.includes('pool')) {
    log(`pool bottleneck (${options.poolClients} clients, ${options.poolSlots} slots):`);
    pool = await runPoolBottleneck(options, log);
  }
  const added = summarizeAdded(main.records);
  const modes = summarizeModes(main.records);
  const report: BenchReport = {
    machine,
    modes,
    added,
    readiness,
    startup: main.startup,
    openStreams,
    growth: main.growth,
    pool,
    postgres,
    criticalPath,
    targets: checkTargets({
      added,
      modes,
      readiness,
      startup: main.startup,
      openStreams,
      growth: main.growth,
      pool,
      postgres,
    }),
  };
  const markdown = renderMarkdown(report, main.profile, onPostgres.profile);
  log(`\n${markdown}`);
  const file = join(options.outDir, `${stamp}.json`);
  const elapsedS = Math.round((performance.now() - started) / 1000);
  writeFileSync(
    file,
    `${JSON.stringify({ ...report, options, elapsedS, records: main.records, backendRecords, profile: main.profile, postgresProfile: onPostgres.profile, markdown }, null, 2)}\n`,
  );
  if (main.profile)
    log(`profile: ${main.profile.file} (summary in the JSON; print it with bench/profile/print-profile.ts)`);
  log(`wrote ${file} (${elapsedS} s)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
