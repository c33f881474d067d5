import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualClock, openTempStore } from './temp-store.js';

test('usage rows aggregate per account and overall, within a time range', (t) => {
  const clock = manualClock();
  const { store } = openTempStore(t, { now: clock.now });
  const a = store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const b = store.accounts.add({ kind: 'cookie', cookie: 'b' });
  const start = clock.now();
  store.usage.record({
    route: 'chat.completions',
    model: 'm',
    accountId: a.id,
    promptTokens: 10,
    completionTokens: 5,
    outcome: 'ok',
    status: 200,
    ttfbMs: 300,
    durationMs: 900,
  });
  store.usage.record({
    route: 'responses',
    accountId: a.id,
    promptTokens: 7,
    completionTokens: 3,
    estimated: true,
    outcome: 'ok',
  });
  store.usage.record({ route: 'chat.completions', accountId: b.id, outcome: 'upstream_error', status: 502 });
  store.usage.record({ route: 'chat.completions', outcome: 'no_capacity', status: 429 });
  clock.advance(1000);
  store.usage.record({
    route: 'chat.completions',
    accountId: b.id,
    promptTokens: 1,
    completionTokens: 1,
    totalTokens: 9,
    outcome: 'ok',
  });

  const all = store.usage.aggregate();
  assert.deepEqual(all.overall, {
    requests: 5,
    succeeded: 3,
    promptTokens: 18,
    completionTokens: 9,
    totalTokens: 34,
    estimatedRequests: 1,
  });
  assert.deepEqual(
    all.byAccount.map((row) => [row.accountId, row.requests, row.totalTokens]),
    [
      [null, 1, 0],
      [a.id, 2, 25],
      [b.id, 2, 9],
    ],
  );
  const early = store.usage.aggregate({ since: start, until: start + 1000 });
  assert.equal(early.overall.requests, 4);
  assert.equal(store.usage.aggregate({ since: start + 1000 }).overall.requests, 1);
  assert.deepEqual(store.usage.aggregate({ since: start + 5000 }), {
    overall: {
      requests: 0,
      succeeded: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      estimatedRequests: 0,
    },
    byAccount: [],
  });
});

test('a usage row for a deleted account is kept, with a null account', (t) => {
  const { store } = openTempStore(t);
  const a = store.accounts.add({ kind: 'cookie', cookie: 'a' });
  store.accounts.remove(a.id);
  const id = store.usage.record({
    route: 'chat.completions',
    accountId: a.id,
    promptTokens: 3,
    outcome: 'ok',
  });
  assert.ok(id > 0);
  const rows = store.usage.aggregate().byAccount.map((row) => [row.accountId, row.promptTokens]);
  assert.deepEqual(rows, [[null, 3]]);
});
