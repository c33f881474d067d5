import { parseArgs } from 'node:util';
import type { WsImpl } from './direct/direct-socket.js';

/** Scenarios `npm run bench` can run (all by default). */
export const SCENARIOS = [
  'latency',
  'critical-path',
  'postgres',
  'readiness',
  'memory',
  'growth',
  'pool',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Everything a bench run is configured with (see bench/README.md). */
export interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  concurrency: number[];
  /** Measured requests per (concurrency, mode, repeat): index = position in `concurrency`. */
  requests: number[];
  repeats: number;
  /** Concurrency levels of the SQLite vs PostgreSQL scenario, and its measured requests per phase. */
  postgresConcurrency: number[];
  postgresRequests: number[];
  /** Fake users = relaypool accounts in the latency scenario (≥ max concurrency). */
  accounts: number;
  /** Fake `concurrencyLimit` per user in the latency and long-run scenarios (relaypool keeps 1 per account). */
  upstreamSlots: number;
  replyChars: number;
  replyChunks: number;
  growthRequests: number;
  growthConcurrency: number;
  openStreams: number;
  /** Readiness scenario: VM boot delays (ms), tasks per delay after as many warm-up tasks, 8 at a time. */
  bootsMs: number[];
  readinessTasks: number;
  /** Pool bottleneck scenario: slots (accounts × 1), clients, requests per client. */
  poolSlots: number;
  poolClients: number;
  poolRequestsPerClient: number;
  /** Pace of the bottleneck scenario's agent between chunks (ms). */
  paceMs: number;
  directWs: WsImpl;
  profile: boolean;
  /** Write a heap snapshot of relaypool while the memory scenario's streams are open. */
  heapSnapshot: boolean;
  outDir: string;
}

const int = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
};

const list = (value: string | undefined, name: string, fallback: number[]): number[] =>
  value === undefined ? fallback : value.split(',').map((part) => int(part.trim(), name, 1));

/** Measured requests per phase at each level: `--requests N`, else enough for a p99 at every level while the whole default run stays short on 2 cores. */
function requestsPerLevel(levels: number[], quick: boolean, requests: string | undefined): number[] {
  if (requests !== undefined) return levels.map(() => int(requests, 'requests', 1));
  return levels.map((c) => (quick ? Math.max(100, 2 * c) : Math.max(200, 5 * c, Math.min(25 * c, 400))));
}

/** Parse `npm run bench -- [flags]`. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      concurrency: { type: 'string' },
      'pg-concurrency': { type: 'string' },
      requests: { type: 'string' },
      repeats: { type: 'string' },
      accounts: { type: 'string' },
      'upstream-slots': { type: 'string' },
      'reply-chars': { type: 'string' },
      'reply-chunks': { type: 'string' },
      'growth-requests': { type: 'string' },
      'open-streams': { type: 'string' },
      boots: { type: 'string' },
      'direct-ws': { type: 'string' },
      profile: { type: 'boolean' },
      'heap-snapshot': { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const concurrency = list(values.concurrency, 'concurrency', [1, 16, 128]);
  const postgresConcurrency = list(values['pg-concurrency'], 'pg-concurrency', [1, 32]);
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...SCENARIOS];
  const scenarios = SCENARIOS.filter((s) => only.includes(s));
  if (scenarios.length === 0) throw new Error(`--only takes a comma list of ${SCENARIOS.join(', ')}`);
  const directWs = values['direct-ws'] ?? 'undici';
  if (directWs !== 'undici' && directWs !== 'ws') throw new Error('--direct-ws must be undici or ws');
  return {
    quick,
    scenarios,
    concurrency,
    requests: requestsPerLevel(concurrency, quick, values.requests),
    postgresConcurrency,
    postgresRequests: requestsPerLevel(postgresConcurrency, quick, values.requests),
    repeats: int(values.repeats, 'repeats', quick ? 1 : 3),
    accounts: int(values.accounts, 'accounts', Math.max(...concurrency) + 8),
    upstreamSlots: int(values['upstream-slots'], 'upstream-slots', 1),
    replyChars: int(values['reply-chars'], 'reply-chars', 2048),
    replyChunks: int(values['reply-chunks'], 'reply-chunks', 32),
    growthRequests: int(values['growth-requests'], 'growth-requests', quick ? 1000 : 10_000),
    growthConcurrency: 16,
    openStreams: int(values['open-streams'], 'open-streams', 256),
    bootsMs:
      values.boots === undefined
        ? [0, 1500, 8000]
        : values.boots.split(',').map((b) => int(b.trim(), 'boots', 0)),
    readinessTasks: quick ? 16 : 24,
    poolSlots: 4,
    poolClients: 16,
    poolRequestsPerClient: quick ? 8 : 20,
    paceMs: 3,
    directWs,
    profile: values.profile === true,
    heapSnapshot: values['heap-snapshot'] === true,
    outDir: values.out ?? 'bench/results',
  };
}
