import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

// A short seeded pass of `npm run chaos` (see README "Reliability"): a real relaypool process,
// SIGKILLed and restarted twice, behind the fake upstream injecting faults; every invariant holds.
// Part of `npm test`; alone: `npm run chaos:short`.
test('chaos: a short seeded pass keeps every invariant', { timeout: 180_000 }, () => {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/chaos/run.ts',
      '--seed',
      '7',
      '--requests',
      '45',
      '--concurrency',
      '4',
      '--max-seconds',
      '80',
      '--fuzz-runs',
      '0',
    ],
    { encoding: 'utf8', timeout: 150_000 },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /restarts: 2 \(SIGKILL\)/);
  assert.match(run.stdout, /violations: 0/);
});
