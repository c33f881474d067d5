import assert from 'node:assert/strict';
import { backendTest } from '../backends.js';
import { manualClock } from '../temp-store.js';

backendTest('usage rows aggregate per account and overall, within a time range', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const b = await store.accounts.add({ kind: 'cookie', cookie: 'b' });
  const start = clock.now();
  await store.usage.record({
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
  await store.usage.record({
    route: 'responses',
    accountId: a.id,
    promptTokens: 7,
    completionTokens: 3,
    estimated: true,
    outcome: 'ok',
  });
  await store.usage.record({
    route: 'chat.completions',
    accountId: b.id,
    outcome: 'upstream_error',
    status: 502,
  });
  await store.usage.record({ route: 'chat.completions', outcome: 'no_capacity', status: 429 });
  clock.advance(1000);
  await store.usage.record({
    route: 'chat.completions',
    accountId: b.id,
    promptTokens: 1,
    completionTokens: 1,
    totalTokens: 9,
    outcome: 'ok',
  });

  const all = await store.usage.aggregate();
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
  const early = await store.usage.aggregate({ since: start, until: start + 1000 });
  assert.equal(early.overall.requests, 4);
  assert.equal((await store.usage.aggregate({ since: start + 1000 })).overall.requests, 1);
  assert.deepEqual(await store.usage.aggregate({ since: start + 5000 }), {
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

backendTest('a usage row for a deleted account is kept, with a null account', async (t, { open }) => {
  const store = await open();
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  await store.accounts.remove(a.id);
  const id = await store.usage.record({
    route: 'chat.completions',
    accountId: a.id,
    promptTokens: 3,
    outcome: 'ok',
  });
  assert.ok(id > 0);
  const rows = (await store.usage.aggregate()).byAccount.map((row) => [row.accountId, row.promptTokens]);
  assert.deepEqual(rows, [[null, 3]]);
});

backendTest('a usage row stored early is completed in place, keeping its time', async (t, { open }) => {
  const clock = manualClock();
  const store = await open({ now: clock.now });
  const a = await store.accounts.add({ kind: 'cookie', cookie: 'a' });
  const first = { route: 'chat.completions', model: 'm', accountId: a.id, upstreamTaskId: 't1' };
  const id = await store.usage.record({
    ...first,
    promptTokens: 4,
    completionTokens: 2,
    estimated: true,
    outcome: 'ok',
  });
  const at = clock.now();
  clock.advance(5000);
  const updated = await store.usage.update(id, {
    ...first,
    at: clock.now(),
    promptTokens: 40,
    completionTokens: 2,
    outcome: 'ok',
    durationMs: 5000,
  });
  assert.equal(updated, true);
  const all = await store.usage.aggregate();
  assert.deepEqual(all.overall, {
    requests: 1,
    succeeded: 1,
    promptTokens: 40,
    completionTokens: 2,
    totalTokens: 42,
    estimatedRequests: 0,
  });
  assert.equal((await store.usage.aggregate({ since: at, until: at + 1 })).overall.requests, 1);
  assert.equal(await store.usage.update(id + 1, { ...first, outcome: 'ok' }), false);
});
