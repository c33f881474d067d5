import { asyncSqliteStore } from '../../src/store/async-store.js';
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WarmTasks } from '../../src/conversations/warm-tasks.js';
import {
  runPooledTurn,
  type KeptTask,
  type TurnPlan,
  type PooledTurnDeps,
} from '../../src/pool/pooled-turn.js';
import type { Store } from '../../src/store/index.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { NoCapacityError } from '../../src/util/errors.js';
import { captureLogger } from '../support/log-capture.js';
import {
  addAccount,
  errorEvent,
  flush,
  flushUntil,
  manualTime,
  MODEL,
  okTurn,
  ScriptedAdapter,
  tempStore,
  testPool,
  type ManualTime,
  testReaper,
} from './support.js';

const never = new AbortController().signal;
const logger = captureLogger('silent').logger;

function setup(store: Store, time: ManualTime, adapter: ScriptedAdapter) {
  const { pool } = testPool(store, time);
  const reaper = testReaper(store, adapter, logger);
  const deps: PooledTurnDeps = {
    store: asyncSqliteStore(store),
    adapter,
    pool,
    reaper,
    logger,
    turnTimeoutMs: 1000,
    vmReadyTimeoutMs: 1000,
    failoverRounds: 3,
    now: time.now,
  };
  return { pool, deps, reaper };
}

function okFollowUp(id: string, text: string): UpstreamEvent[] {
  return [
    { type: 'task-resumed', taskId: id },
    { type: 'turn-started', taskId: id },
    { type: 'text', text },
    { type: 'usage', inputTokens: 1, outputTokens: 1, totalTokens: 2, estimated: false },
    { type: 'finish', taskId: id },
  ];
}

async function collect(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Account `a` on manual time, whose turns are `turns` in order. */
function oneAccount(t: TestContext, ...turns: UpstreamEvent[][]) {
  const time = manualTime();
  const { store } = tempStore(t, time.now);
  addAccount(store, { label: 'a' });
  const adapter = new ScriptedAdapter();
  adapter.script('cookie-a', ...turns);
  return { time, store, adapter, ...setup(store, time, adapter) };
}

/** A plan that keeps its task and records what was kept. */
function keeping(kept: KeptTask[], extra: Partial<TurnPlan> = {}): TurnPlan {
  return {
    route: 'chat.completions',
    upstreamModel: MODEL,
    content: 'hi',
    systemPrompt: null,
    clientKeyHash: null,
    keep: { ttlMs: 60_000, onKept: (task) => void kept.push(task) },
    ...extra,
  };
}

describe('kept tasks: park, resume, evict', () => {
  test('a kept turn leaves its task idle: slot held but not in flight, row `idle`, answer reported, nothing stopped', async (t) => {
    const { store, adapter, pool, deps } = oneAccount(t, okTurn('t-1', 'first answer'));
    const kept: KeptTask[] = [];
    await collect(runPooledTurn(deps, keeping(kept), never));
    assert.deepEqual(kept, [{ taskRowId: 1, accountId: 1, answer: 'first answer' }]);
    assert.equal(store.tasks.get(1)?.state, 'idle');
    assert.equal(store.tasks.get(1)?.purpose, 'conversation');
    assert.equal(pool.inFlight().get(1) ?? 0, 0);
    assert.equal(pool.idleCounts().get(1), 1);
    assert.deepEqual(adapter.stopped, []);
  });

  test('resume runs one follow-up turn on the kept task and keeps it again', async (t) => {
    const { store, adapter, pool, deps } = oneAccount(t, okTurn('t-1', 'one'), okFollowUp('t-1', 'two'));
    const kept: KeptTask[] = [];
    await collect(runPooledTurn(deps, keeping(kept), never));
    const events = await collect(
      runPooledTurn(deps, keeping(kept, { resume: { kind: 'task', taskRowId: 1, text: 'next' } }), never),
    );
    assert.equal(events[0]?.type, 'task-resumed');
    assert.deepEqual(adapter.runs[1]?.request, { kind: 'follow-up', taskId: 't-1', text: 'next' });
    assert.deepEqual(
      kept.map((k) => [k.taskRowId, k.answer]),
      [
        [1, 'one'],
        [1, 'two'],
      ],
    );
    assert.equal(pool.idleCounts().get(1), 1);
    assert.equal(store.usage.aggregate().overall.requests, 2);
  });

  test('a kept task that cannot take the turn is stopped and the conversation replayed into a new task, invisibly', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    adapter.script(
      'cookie-a',
      okTurn('t-1', 'one'),
      [{ type: 'task-resumed', taskId: 't-1' }, errorEvent('not-found')],
      okTurn('t-2', 'replayed'),
    );
    const { deps } = setup(store, time, adapter);
    const kept: KeptTask[] = [];
    await collect(runPooledTurn(deps, keeping(kept), never));
    const events = await collect(
      runPooledTurn(
        deps,
        keeping(kept, {
          content: 'whole conversation',
          resume: { kind: 'task', taskRowId: 1, text: 'next' },
        }),
        never,
      ),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['task-resumed', 'task-ready', 'turn-started', 'text', 'usage', 'finish'],
      'the new task is not announced twice',
    );
    assert.deepEqual(adapter.runs[2]?.request, {
      kind: 'new-task',
      modelId: `${MODEL}#1`,
      content: 'whole conversation',
    });
    await flush();
    assert.deepEqual(
      adapter.stopped.map((s) => s.taskId),
      ['t-1'],
      'the broken task is stopped; the new one is kept',
    );
    assert.deepEqual(kept.at(-1), { taskRowId: 2, accountId: 1, answer: 'replayed' });
  });

  test('after output, a failing follow-up is the terminal error (no replay)', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', okTurn('t-1', 'one'), [
      { type: 'task-resumed', taskId: 't-1' },
      { type: 'text', text: 'par' },
      errorEvent('network'),
    ]);
    const { deps } = setup(store, time, adapter);
    await collect(runPooledTurn(deps, keeping([]), never));
    const events = await collect(
      runPooledTurn(deps, keeping([], { resume: { kind: 'task', taskRowId: 1, text: 'next' } }), never),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['task-resumed', 'text', 'error'],
    );
    assert.equal(adapter.runs.length, 2);
  });

  test('a request waiting for the slot makes the idle task stop; it gets the slot once the stop is done', async (t) => {
    const { store, adapter, pool, deps } = oneAccount(t, okTurn('t-1', 'one'), okTurn('t-2', 'other'));
    await collect(runPooledTurn(deps, keeping([]), never));
    const events = await collect(
      runPooledTurn(
        deps,
        {
          route: 'chat.completions',
          upstreamModel: MODEL,
          content: 'other conversation',
          systemPrompt: null,
          clientKeyHash: null,
        },
        never,
      ),
    );
    assert.equal(events.at(-1)?.type, 'finish');
    assert.deepEqual(adapter.stopped.map((s) => s.taskId).slice(0, 1), ['t-1'], 'the idle task went first');
    assert.equal(store.tasks.get(1)?.state, 'stopped');
    assert.equal(await pool.claimIdle(1), null, 'an evicted task cannot be claimed');
    assert.equal(pool.idleCounts().size, 0);
  });

  test('the idle TTL stops a kept task; claiming it afterwards finds nothing', async (t) => {
    const { time, adapter, pool, deps } = oneAccount(t, okTurn('t-1', 'one'));
    await collect(runPooledTurn(deps, keeping([]), never));
    time.advance(59_999);
    assert.equal(pool.idleCounts().get(1), 1);
    time.advance(1);
    // The stop is recorded with the store's next batch; then the slot frees.
    await flushUntil(() => (pool.inFlight().get(1) ?? 0) === 0);
    assert.deepEqual(
      adapter.stopped.map((s) => s.taskId),
      ['t-1'],
    );
    assert.equal(await pool.claimIdle(1), null);
    assert.equal(pool.inFlight().get(1) ?? 0, 0, 'the slot is free again');
  });

  test('idle tasks of a disabled account are stopped; background work never takes a slot an idle task holds', async (t) => {
    const { store, adapter, pool, deps } = oneAccount(t, okTurn('t-1', 'one'));
    await collect(runPooledTurn(deps, keeping([]), never));
    await assert.rejects(pool.acquire(MODEL, never, { noWait: true }), NoCapacityError);
    assert.equal(adapter.stopped.length, 0, 'noWait did not evict');
    store.accounts.update(1, { enabled: false });
    await pool.invalidate();
    await flush();
    assert.deepEqual(
      adapter.stopped.map((s) => s.taskId),
      ['t-1'],
    );
  });
});

describe('warm tasks', () => {
  test('fill boots `size` tasks on free slots and records their bootstrap turns; a new conversation claims one', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    addAccount(store, { label: 'b' });
    const adapter = new ScriptedAdapter();
    adapter.script('cookie-a', okTurn('w-a', 'ready'));
    adapter.script('cookie-b', okTurn('w-b', 'ready'));
    const { pool, deps } = setup(store, time, adapter);
    const warm = new WarmTasks({
      size: 2,
      model: () => MODEL,
      prompt: 'Reply with: ready',
      maxIdleMs: 600_000,
      runPooledTurn: (plan, signal) => runPooledTurn(deps, plan, signal),
      warmCount: (m) => pool.warmCount(m),
      timers: time.timers,
      logger,
      retryMs: 1000,
    });
    pool.onSlotsChanged(() => warm.nudge());
    warm.nudge();
    time.advance(0);
    for (let i = 0; i < 10 && pool.warmCount(MODEL) < 2; i++) await flush();
    assert.equal(pool.warmCount(MODEL), 2);
    assert.deepEqual(
      adapter.runs.map((r) => r.request.kind === 'new-task' && r.request.content),
      ['Reply with: ready', 'Reply with: ready'],
    );
    assert.equal(store.usage.aggregate().overall.requests, 2, 'the bootstrap turns are recorded');
    // A new conversation starts on a warm task: a follow-up carrying its whole first turn.
    const owner = adapter.runs.length;
    adapter.script('cookie-a', okFollowUp('w-a', 'answer'));
    adapter.script('cookie-b', okFollowUp('w-b', 'answer'));
    const kept: KeptTask[] = [];
    const events = await collect(
      runPooledTurn(deps, keeping(kept, { resume: { kind: 'warm', text: 'first turn' } }), never),
    );
    assert.equal(events[0]?.type, 'task-resumed');
    assert.equal(adapter.runs[owner]?.request.kind, 'follow-up');
    assert.equal(pool.warmCount(MODEL), 1, 'the claimed task now belongs to the conversation');
    assert.equal(kept.length, 1);
    warm.close();
  });

  test('with no free slot, warm-up waits and retries later instead of queueing', async (t) => {
    const time = manualTime();
    const { store } = tempStore(t, time.now);
    addAccount(store, { label: 'a' });
    const adapter = new ScriptedAdapter();
    const { pool, deps } = setup(store, time, adapter);
    const held = await pool.acquire(MODEL, never);
    const warm = new WarmTasks({
      size: 1,
      model: () => MODEL,
      prompt: 'p',
      maxIdleMs: 600_000,
      runPooledTurn: (plan, signal) => runPooledTurn(deps, plan, signal),
      warmCount: (m) => pool.warmCount(m),
      timers: time.timers,
      logger,
      retryMs: 1000,
    });
    warm.nudge();
    time.advance(0);
    await flush();
    assert.equal(pool.queued(), 0, 'never queued');
    assert.equal(adapter.runs.length, 0);
    adapter.script('cookie-a', okTurn('w-1', 'ready'));
    held.release({ result: 'success' });
    await flush(); // the slot is free once the outcome is recorded
    time.advance(1000);
    for (let i = 0; i < 10 && pool.warmCount(MODEL) < 1; i++) await flush();
    assert.equal(pool.warmCount(MODEL), 1);
    warm.close();
  });
});
