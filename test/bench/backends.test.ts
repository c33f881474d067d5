import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBackends } from '../../bench/report/backends.js';
import { checkTargets } from '../../bench/report/targets.js';
import type { BackendRecord } from '../../bench/scenarios/postgres.js';

function record(
  r: Pick<BackendRecord, 'backend' | 'concurrency' | 'repeat' | 'ttfbP50Ms' | 'requestsPerSec'> &
    Partial<BackendRecord>,
): BackendRecord {
  return {
    ok: 100,
    failures: {},
    wallMs: 1000,
    ttfbP95Ms: r.ttfbP50Ms * 2,
    ttfbP99Ms: r.ttfbP50Ms * 3,
    totalP50Ms: r.ttfbP50Ms + 1,
    totalP99Ms: r.ttfbP50Ms + 5,
    chunksPerSec: 0,
    proxyCpuMsPerReq: 4,
    fakeCpuMsPerReq: 1,
    loadCpuMsPerReq: 1,
    db:
      r.backend === 'postgres'
        ? { cpuMsPerReq: 2, statementsPerReq: 10, top: [{ query: 'SELECT 1', perReq: 1, meanMs: 0.1 }] }
        : null,
    proxyEldP99Ms: 1,
    proxyRssMb: 80,
    roundTripP50Ms: r.backend === 'postgres' ? 0.2 : null,
    ...r,
  };
}

const inputs = {
  added: [],
  modes: [],
  readiness: null,
  startup: null,
  openStreams: null,
  growth: null,
  pool: null,
};

test('PostgreSQL is compared with SQLite repeat by repeat, then the median', () => {
  const records = [
    // A slow repeat on both sides (a noisy machine) must not show up as added latency.
    record({ backend: 'sqlite', concurrency: 1, repeat: 0, ttfbP50Ms: 5, requestsPerSec: 100 }),
    record({ backend: 'postgres', concurrency: 1, repeat: 0, ttfbP50Ms: 6, requestsPerSec: 80 }),
    record({ backend: 'sqlite', concurrency: 1, repeat: 1, ttfbP50Ms: 50, requestsPerSec: 10 }),
    record({ backend: 'postgres', concurrency: 1, repeat: 1, ttfbP50Ms: 51.5, requestsPerSec: 9 }),
    record({ backend: 'sqlite', concurrency: 1, repeat: 2, ttfbP50Ms: 5, requestsPerSec: 100 }),
    record({ backend: 'postgres', concurrency: 1, repeat: 2, ttfbP50Ms: 7, requestsPerSec: 90 }),
  ];
  const { backends, added } = compareBackends(records);
  assert.deepEqual(added, [
    {
      concurrency: 1,
      addedTtfbP50Ms: 1.5,
      addedTtfbP95Ms: 3,
      addedProxyCpuMsPerReq: 0,
      throughputRatio: 0.9,
    },
  ]);
  const pg = backends.find((b) => b.backend === 'postgres');
  assert.equal(pg?.ttfbP50Ms, 7); // the median of 6, 51.5 and 7
  assert.equal(pg?.dbCpuMsPerReq, 2);
  assert.equal(pg?.dbStatementsPerReq, 10);
  assert.equal(backends.find((b) => b.backend === 'sqlite')?.dbCpuMsPerReq, null);

  const [ttfb] = checkTargets({ ...inputs, postgres: compareBackends(records) }).filter((t) =>
    t.target.startsWith('PostgreSQL adds'),
  );
  assert.equal(ttfb?.pass, true);
});

test('the PostgreSQL target fails above 2 ms or with failed requests, and is not judged when not run', () => {
  const pair = (pgTtfb: number, failures: Record<string, number> = {}) =>
    compareBackends([
      record({ backend: 'sqlite', concurrency: 1, repeat: 0, ttfbP50Ms: 5, requestsPerSec: 100 }),
      record({
        backend: 'postgres',
        concurrency: 1,
        repeat: 0,
        ttfbP50Ms: pgTtfb,
        requestsPerSec: 100,
        failures,
      }),
    ]);
  const verdict = (postgres: ReturnType<typeof compareBackends> | null) =>
    checkTargets({ ...inputs, postgres }).find((t) => t.target.startsWith('PostgreSQL adds'))?.pass;
  assert.equal(verdict(pair(7)), true);
  assert.equal(verdict(pair(7.5)), false);
  assert.equal(verdict(pair(6, { '502 upstream_error': 1 })), false);
  assert.equal(verdict(null), null);
});
