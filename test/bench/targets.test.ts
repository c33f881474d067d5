import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModeSummary } from '../../bench/report/aggregate.js';
import { throughputBudget } from '../../bench/report/targets.js';

function mode(
  m: Pick<ModeSummary, 'mode' | 'fakeCpuMsPerReq' | 'loadCpuMsPerReq' | 'proxyCpuMsPerReq'>,
): ModeSummary {
  return {
    concurrency: 128,
    repeats: 1,
    ok: 1,
    failed: 0,
    ttfbP50Ms: 0,
    ttfbP99Ms: 0,
    totalP50Ms: 0,
    totalP99Ms: 0,
    requestsPerSec: 0,
    chunksPerSec: 0,
    proxyEldP99Ms: 0,
    ...m,
  };
}

test('the CPU a throughput ratio leaves relaypool on a saturated machine', () => {
  const modes = [
    mode({ mode: 'direct', fakeCpuMsPerReq: 1.6, loadCpuMsPerReq: 1.1, proxyCpuMsPerReq: 0 }),
    mode({ mode: 'stream', fakeCpuMsPerReq: 1.6, loadCpuMsPerReq: 0.3, proxyCpuMsPerReq: 2.4 }),
  ];
  // Direct spends 2.7 ms per request in all; 90 % of its rate allows 3 ms, of which the fake and the
  // load generator take 1.9 ms through relaypool.
  assert.deepEqual(throughputBudget(modes, 128, 0.9), { budgetMs: 1.1, spentMs: 2.4, directClientMs: 1.1 });
  assert.equal(throughputBudget(modes, 16, 0.9), null);
});
