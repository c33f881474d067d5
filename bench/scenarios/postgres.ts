import { mkdirSync } from 'node:fs';
import { Pool } from 'undici';
import { replyText } from '../fake/bench-agents.js';
import { relayRequest } from '../load/relay-request.js';
import type { BenchOptions } from '../options.js';
import { summarizeProfileIn, type ProfileSummary } from '../profile/summarize-profile.js';
import { startBenchPostgres, type BenchPostgres } from '../postgres/bench-postgres.js';
import { addProxy, startRig, type Rig } from '../rig.js';
import { PROMPT } from './latency.js';
import { measurePhase, type PhaseMetrics } from './phase.js';

/** Where relaypool keeps its pool: a SQLite file, or a PostgreSQL database. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What the scenario measured, and with `--profile` the profile of relaypool on PostgreSQL. */
export interface PostgresRun {
  records: BackendRecord[];
  profile: ProfileSummary | null;
}

/** One measured phase of one backend. */
export interface BackendRecord extends PhaseMetrics {
  backend: Backend;
  concurrency: number;
  repeat: number;
  /** PostgreSQL only: p50 of a `SELECT 1` round trip from the bench, just before the phase (ms). */
  roundTripP50Ms: number | null;
}

/**
 * SQLite vs PostgreSQL in one run: one fake, two relaypool processes with the same accounts (one
 * on a SQLite file, one on the bench's own PostgreSQL server), streamed requests at each
 * concurrency, phases interleaved and their order rotated per repeat; the PostgreSQL server's CPU
 * and statements are read over the same window as relaypool's CPU. With `profileDir`, relaypool on
 * PostgreSQL runs under `--cpu-prof` and its profile is summarised from its first to its last phase.
 */
export async function runPostgres(
  options: BenchOptions,
  log: (line: string) => void,
  profileDir: string | null,
): Promise<PostgresRun> {
  const postgres = await startBenchPostgres();
  let sqlite: Rig | null = null;
  let onPostgres: Rig | null = null;
  let measured: Measured;
  try {
    sqlite = await startRig({
      accounts: Math.max(...options.postgresConcurrency) + 8,
      slotsPerAccount: 1,
      upstreamSlotsPerUser: options.upstreamSlots,
      replyChars: options.replyChars,
      replyChunks: options.replyChunks,
      paceMs: options.paceMs,
      profileDir: null,
    });
    if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
    onPostgres = await addProxy(sqlite, { slotsPerAccount: 1, profileDir, db: postgres.url });
    measured = await measureBackends({ sqlite, postgres: onPostgres }, postgres, options, log);
  } finally {
    await onPostgres?.close();
    await sqlite?.close();
    await postgres.stop();
  }
  // The profile is written when relaypool exits.
  const profile = profileDir === null ? null : summarizeProfileIn(profileDir, measured.window);
  return { records: measured.records, profile };
}

interface Measured {
  records: BackendRecord[];
  /** From the first to the last PostgreSQL phase, on the clock of relaypool-on-PostgreSQL's profile. */
  window: { fromUs: number; toUs: number };
}

async function measureBackends(
  rigs: Record<Backend, Rig>,
  postgres: BenchPostgres,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<Measured> {
  const maxC = Math.max(...options.postgresConcurrency);
  const pools = {
    sqlite: new Pool(rigs.sqlite.proxy.url, { connections: maxC }),
    postgres: new Pool(rigs.postgres.proxy.url, { connections: maxC }),
  };
  const expectedText = replyText({ chars: options.replyChars, chunks: options.replyChunks });
  const records: BackendRecord[] = [];
  const fromUs = (await rigs.postgres.proxyStats(false)).monoUs;
  try {
    for (const [index, concurrency] of options.postgresConcurrency.entries()) {
      const shape = { concurrency, total: options.postgresRequests[index] ?? 200, maxWallMs: 120_000 };
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        const order = repeat % 2 === 0 ? BACKENDS : [...BACKENDS].reverse();
        for (const backend of order) {
          const rig = rigs[backend];
          const target = {
            dispatcher: pools[backend],
            origin: rig.proxy.url,
            model: rig.model,
            prompt: PROMPT,
            stream: true,
            expectedText,
          };
          const roundTripP50Ms = backend === 'postgres' ? await postgres.roundTripMs(100) : null;
          const metrics = await measurePhase(
            rig,
            shape,
            () => relayRequest(target),
            backend === 'postgres' ? postgres.probe : null,
          );
          records.push({ backend, concurrency, repeat, roundTripP50Ms, ...metrics });
          const failed = Object.values(metrics.failures).reduce((a, b) => a + b, 0);
          log(
            `  c=${concurrency} ${backend.padEnd(8)} r${repeat}: ttfb p50 ${metrics.ttfbP50Ms} ms, p95 ${metrics.ttfbP95Ms} ms, ${metrics.requestsPerSec} req/s, proxy ${metrics.proxyCpuMsPerReq} ms CPU/req${metrics.db === null ? '' : `, server ${metrics.db.cpuMsPerReq} ms CPU/req, ${metrics.db.statementsPerReq} statements/req, SELECT 1 ${roundTripP50Ms} ms`}${failed > 0 ? `, ${failed} failed ${JSON.stringify(metrics.failures)}` : ''}`,
          );
        }
      }
    }
  } finally {
    await Promise.all([pools.sqlite.close(), pools.postgres.close()]);
  }
  return { records, window: { fromUs, toUs: (await rigs.postgres.proxyStats(false)).monoUs } };
}
