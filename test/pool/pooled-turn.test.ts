import { asyncSqliteStore } from '../../src/store/async-store.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runPooledTurn, type PooledTurnDeps } from '../../src/pool/pooled-turn.js';
import type { Store } from '../../src/store/index.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { NoCapacityError } from '../../src/util/errors.js';
import { captureLogger } from '../support/log-capture.js';
import {
  addAccount,
  errorEvent,
  flush,
  manualTime,
  MODEL,
  okTurn,
  ScriptedAdapter,
  tempStore,
  testPool,
  type ManualTime,
  testReaper,
} from './support.js';

const turn = {
  route: 'chat.completions',
  upstreamModel: MODEL,
  content: 'hi',
  systemPrompt: null,
  clientKeyHash: null,
};
const never = new AbortController().signal;

function runner(
  store: Store,
  time: ManualTime,
  adapter: ScriptedAdapter,
  failoverRounds = 3,
  relogin?: (id: number) => Promise<unknown>,
) {
  const logger = captureLogger('silent').logger;
  const { pool } = testPool(store, time, {}, relogin);
  const reaper = testReaper(store, adapter, logger);
  const deps: PooledTurnDeps = {
    store: asyncSqliteStore(store),
    adapter,
    pool,
    reaper,
    logger,
    turnTimeoutMs: 1000,
    vmReadyTimeoutMs: 1000,
    failoverRounds,
    now: time.now,
  };
  return { pool, deps, reaper };
}

async function collect(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const types = (events: UpstreamEvent[]): string[] => events.map((e) => e.type);

describe('runPooledTurn: failover before the first output byte', () => {
  test('a 10811 on one account is retried on another, invisibly; the failed account cools', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [errorEvent('concurrency')]);
    adapter.script('cookie-b', okTurn('t-b', 'from b'));
    const { deps } = runner(store, time, adapter);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), [
      'task-created',
      'task-ready',
      'turn-started',
      'text',
      'usage',
      'finish',
    ]);
    assert.deepEqual(
      adapter.runs.map((r) => r.session),
      ['cookie-a', 'cookie-b'],
    );
    assert.deepEqual(adapter.runs[1]?.request, { kind: 'new-task', modelId: `${MODEL}#2`, content: 'hi' });
    assert.equal(store.accounts.get(1)?.state, 'cooling');
    const usage = store.usage.aggregate();
    assert.equal(usage.overall.requests, 1, 'one usage row per request');
    assert.deepEqual(
      usage.byAccount.map((row) => row.accountId),
      [2],
    );
  });

  test('after headers (task-created) a failure before content still fails over; the second task-created is swallowed and the first task stopped', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [
      { type: 'task-created', taskId: 't-a' },
      { type: 'task-ready', taskId: 't-a' },
      errorEvent('task-failed'),
    ]);
    adapter.script('cookie-b', okTurn('t-b', 'from b'));
    const { deps, reaper } = runner(store, time, adapter);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), [
      'task-created',
      'task-ready',
      'task-ready',
      'turn-started',
      'text',
      'usage',
      'finish',
    ]);
    assert.deepEqual(events[0], { type: 'task-created', taskId: 't-a' });
    await reaper.drain(1000);
    assert.deepEqual(adapter.stopped.map((s) => s.taskId).sort(), ['t-a', 't-b']);
  });

  test('after the first output byte there is no retry: the error is the terminal event', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [
      { type: 'task-created', taskId: 't-a' },
      { type: 'reasoning', text: 'hmm' },
      errorEvent('network'),
    ]);
    const { deps } = runner(store, time, adapter);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), ['task-created', 'reasoning', 'error']);
    assert.equal(adapter.runs.length, 1);
    assert.equal(
      store.accounts.get(1)?.state,
      'active',
      'stream trouble after output is not held against the account',
    );
  });

  test('request-scoped failures are not retried elsewhere', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [errorEvent('bad-request')]);
    const { deps } = runner(store, time, adapter);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), ['error']);
    assert.equal(adapter.runs.length, 1);
  });

  test('failover is bounded by failoverRounds and never revisits an account', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    for (const label of ['a', 'b', 'c', 'd']) addAccount(store, { label });
    const adapter = new ScriptedAdapter();
    for (const label of ['a', 'b', 'c', 'd']) adapter.script(`cookie-${label}`, [errorEvent('no-capacity')]);
    const { deps } = runner(store, time, adapter, 2);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), ['error']);
    assert.deepEqual(
      adapter.runs.map((r) => r.session),
      ['cookie-a', 'cookie-b', 'cookie-c'],
    );
  });

  test('when no account is left to retry on, the last upstream failure is the answer', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [errorEvent('concurrency')]);
    adapter.script('cookie-b', [errorEvent('concurrency')]);
    const { deps } = runner(store, time, adapter);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events), ['error']);
    assert.equal(events[0]?.type === 'error' && events[0].kind, 'concurrency');
    // The next request finds every account cooling: the pool's 429 with the soonest recovery.
    await assert.rejects(
      collect(runPooledTurn(deps, turn, never)),
      (err: unknown) => err instanceof NoCapacityError && err.retryAfterSeconds === 5,
    );
  });

  test('an expired password session: re-login, then the same account serves the request with its new session', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'p', kind: 'password' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-p', [{ type: 'task-created', taskId: 't-old' }, errorEvent('session-expired')]);
    adapter.script('new-session', okTurn('t-new', 'after login'));
    const relogin = async (id: number): Promise<void> => {
      store.accounts.setCookie(id, 'new-session');
      store.accounts.update(id, { state: 'active' });
    };
    const { deps, reaper } = runner(store, time, adapter, 3, relogin);
    const events = await collect(runPooledTurn(deps, turn, never));
    assert.deepEqual(types(events).slice(-2), ['usage', 'finish']);
    assert.deepEqual(
      adapter.runs.map((r) => r.session),
      ['cookie-p', 'new-session'],
    );
    await reaper.drain(1000);
    // The old task is stopped with the new session (the dead one could not).
    assert.deepEqual(
      adapter.stopped.find((s) => s.taskId === 't-old'),
      { session: 'new-session', taskId: 't-old' },
    );
  });

  test('a client abort while waiting for a slot leaves the queue and records nothing', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    const { deps, pool } = runner(store, time, adapter);
    const held = await pool.acquire(MODEL, never);
    const controller = new AbortController();
    const run = collect(runPooledTurn(deps, turn, controller.signal));
    await flush();
    assert.equal(pool.queued(), 1);
    controller.abort(new Error('gone'));
    await assert.rejects(run, /gone/);
    assert.equal(pool.queued(), 0);
    held.release({ result: 'success' });
    assert.equal(store.usage.aggregate().overall.requests, 0);
  });
});

describe('runPooledTurn: the usage row is stored before the event that ends the client response', () => {
  // A route writes its client's last frame on `answer-complete` (a stateless chat stream), `finish`
  // or a terminal `error`; a process killed right after must not lose the row (design §5).
  const rows = (store: Store) => store.usage.aggregate().overall;

  test('at answer-complete an estimated ok row; at finish the same row with the billed tokens', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    const [created, ready, started, , usage, finish] = okTurn('t-a');
    adapter.script('cookie-a', [
      created!,
      ready!,
      started!,
      { type: 'text', text: 'twelve chars' },
      { type: 'answer-complete' },
      usage!,
      finish!,
    ]);
    const { deps } = runner(store, time, adapter);
    const seen: Array<[string, ReturnType<typeof rows>]> = [];
    for await (const event of runPooledTurn(deps, { ...turn, content: 'a prompt of 24 chars....' }, never))
      seen.push([event.type, rows(store)]);
    const at = new Map(seen);
    assert.equal(at.get('text')?.requests, 0);
    assert.deepEqual(at.get('answer-complete'), {
      requests: 1,
      succeeded: 1,
      promptTokens: 6,
      completionTokens: 3,
      totalTokens: 9,
      estimatedRequests: 1,
    });
    assert.deepEqual(at.get('finish'), {
      requests: 1,
      succeeded: 1,
      promptTokens: 3,
      completionTokens: 2,
      totalTokens: 5,
      estimatedRequests: 0,
    });
    assert.deepEqual(rows(store), at.get('finish'), 'nothing written after the last event');
  });

  test('a failure after output: its row is stored before the error event goes out', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', [...okTurn('t-a').slice(0, 4), errorEvent('task-failed')]);
    const { deps } = runner(store, time, adapter);
    for await (const event of runPooledTurn(deps, turn, never)) {
      if (event.type !== 'error') continue;
      const summary = rows(store);
      assert.equal(summary.requests, 1);
      assert.equal(summary.succeeded, 0);
      assert.equal(summary.totalTokens, 0, 'no tokens for a turn that did not complete');
    }
    assert.equal(rows(store).requests, 1);
  });

  test('a consumer that stops after answer-complete leaves one row, corrected to its outcome', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    const events = okTurn('t-a');
    adapter.script('cookie-a', [...events.slice(0, 4), { type: 'answer-complete' }, ...events.slice(4)]);
    const { deps } = runner(store, time, adapter);
    for await (const event of runPooledTurn(deps, turn, never)) if (event.type === 'answer-complete') break;
    const summary = rows(store);
    assert.equal(summary.requests, 1);
    assert.equal(summary.succeeded, 0, 'the client left before the end: aborted');
  });
});
