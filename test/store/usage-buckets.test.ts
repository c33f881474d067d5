import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualClock, openTempStore } from './temp-store.js';

const HOUR = 3_600_000;

test('usage buckets: requests and tokens per hour and model / client key, from `since` on', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const base = 1_000 * HOUR;
  const row = (at: number, model: string | null, key: string | null, tokens: number) =>
    store.usage.record({
      at,
      route: 'chat.completions',
      model,
      clientKeyHash: key,
      totalTokens: tokens,
      outcome: 'ok',
    });
  row(base - 1, 'm1', 'k1', 1000); // before `since`: left out
  row(base, 'm1', 'k1', 10);
  row(base + HOUR - 1, 'm1', 'k2', 20);
  row(base + 5, 'm2', null, 30);
  row(base + HOUR, null, 'k1', 40);
  assert.deepEqual(store.usage.bucketsByModel(base, HOUR), [
    { at: base, key: 'm1', requests: 2, totalTokens: 30 },
    { at: base, key: 'm2', requests: 1, totalTokens: 30 },
    { at: base + HOUR, key: null, requests: 1, totalTokens: 40 },
  ]);
  assert.deepEqual(store.usage.bucketsByClientKey(base, HOUR), [
    { at: base, key: null, requests: 1, totalTokens: 30 },
    { at: base, key: 'k1', requests: 1, totalTokens: 10 },
    { at: base, key: 'k2', requests: 1, totalTokens: 20 },
    { at: base + HOUR, key: 'k1', requests: 1, totalTokens: 40 },
  ]);
  assert.deepEqual(store.usage.bucketsByModel(base + 2 * HOUR, HOUR), []);
});
