import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure, type UpstreamErrorKind } from '../../src/upstream/errors.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { createMonkeyCodeAdapter } from '../../src/upstream/monkeycode/index.js';
import { fail, ok, startMiniUpstream } from './support/mini-upstream.js';

const SESSION = '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00';
const TASK = '3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13';
const isKind = (kind: UpstreamErrorKind) => (err: unknown) => isUpstreamFailure(err) && err.kind === kind;

async function collect(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const newTask = {
  kind: 'new-task' as const,
  modelId: 'model-1',
  content: 'Write a haiku',
  environmentId: 'image-1',
};

test('create errors by code arrive as one terminal error event, with no task id', async () => {
  const cases: Array<[number, UpstreamErrorKind, boolean]> = [
    [10811, 'concurrency', true],
    [10204, 'no-capacity', true],
    [10230, 'host-limit', true],
    [10812, 'model-denied', false],
    [10609, 'credits', true],
    [500, 'unknown', false],
  ];
  for (const [code, kind, retryable] of cases) {
    const server = await startMiniUpstream({ routes: { 'POST /api/v1/users/tasks': () => fail(code) } });
    try {
      const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
      const events = await collect(adapter.runTurn(SESSION, newTask));
      assert.equal(events.length, 1);
      const [event] = events;
      assert.ok(event?.type === 'error');
      assert.equal(event.kind, kind, `code ${code}`);
      assert.equal(event.retryable, retryable, `code ${code}`);
      assert.equal(event.taskId, null);
      assert.equal(event.error.upstreamCode, code);
    } finally {
      await server.close();
    }
  }
});

test('create sends every docs/monkeycode-protocol.md §4.1 field; poll until processing; a plain 401 on create is session-expired', async () => {
  let polls = 0;
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/tasks': (req) =>
        req.cookie ? ok({ id: TASK, status: 'pending' }) : { status: 401, body: 'Unauthorized' },
      [`GET /api/v1/users/tasks/${TASK}`]: () => ok({ id: TASK, status: ++polls < 3 ? 'pending' : 'error' }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({
      baseUrl: server.url,
      pollIntervalMs: 5,
      resource: { life: 3600 },
    });
    const events = await collect(adapter.runTurn(SESSION, { ...newTask, systemPrompt: 'Be brief.' }));
    assert.deepEqual(server.requests[0]?.body, {
      content: 'Write a haiku',
      host_id: 'public_host',
      image_id: 'image-1',
      model_id: 'model-1',
      cli_name: 'opencode',
      task_type: 'develop',
      repo: {},
      resource: { core: 2, memory: 8589934592, life: 3600 },
      extra: { skill_ids: [] },
      system_prompt: 'Be brief.',
    });
    assert.deepEqual(
      events.map((e) => e.type),
      ['task-created', 'error'],
    );
    const last = events[1];
    assert.ok(last?.type === 'error');
    assert.equal(last.kind, 'task-failed');
    assert.equal(last.taskId, TASK);
    assert.equal(polls, 3);
  } finally {
    await server.close();
  }
});

test('a task that never leaves pending ends with a timeout error', async () => {
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/tasks': () => ok({ id: TASK, status: 'pending' }),
      [`GET /api/v1/users/tasks/${TASK}`]: () => ok({ id: TASK, status: 'pending' }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, pollIntervalMs: 5 });
    const events = await collect(adapter.runTurn(SESSION, newTask, { vmReadyTimeoutMs: 60 }));
    const last = events.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.kind, 'timeout');
    assert.equal(last.error.status, 504);
  } finally {
    await server.close();
  }
});

test('abort while polling throws the abort reason out of the iterator', async () => {
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/tasks': () => ok({ id: TASK, status: 'pending' }),
      [`GET /api/v1/users/tasks/${TASK}`]: () => ok({ id: TASK, status: 'pending' }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, pollIntervalMs: 5 });
    const controller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of adapter.runTurn(SESSION, newTask, { signal: controller.signal })) {
          seen.push(event.type);
          if (event.type === 'task-created') controller.abort(new Error('client disconnected'));
        }
      })(),
      /client disconnected/,
    );
    assert.deepEqual(seen, ['task-created']);
  } finally {
    await server.close();
  }
});

test('stop, delete, task state and list', async () => {
  const server = await startMiniUpstream({
    routes: {
      'PUT /api/v1/users/tasks/stop': () => ok(),
      [`DELETE /api/v1/users/tasks/${TASK}`]: () => ok(),
      'DELETE /api/v1/users/tasks/unknown': () => fail(10002, 'not found'),
      [`GET /api/v1/users/tasks/${TASK}`]: () =>
        ok({
          id: TASK,
          status: 'processing',
          virtualmachine: { status: 'hibernated' },
          stats: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
        }),
      'GET /api/v1/users/tasks': (req) =>
        ok({
          tasks: [{ id: TASK, status: req.query.get('status') === 'processing' ? 'processing' : 'x' }],
          page_info: { has_next_page: false },
        }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
    await adapter.stopTask(SESSION, TASK);
    assert.deepEqual(server.requests[0]?.body, { id: TASK });
    await adapter.deleteTask(SESSION, TASK);
    await assert.rejects(adapter.deleteTask(SESSION, 'unknown'), isKind('not-found'));
    assert.deepEqual(await adapter.getTaskState(SESSION, TASK), {
      id: TASK,
      phase: 'running',
      asleep: true,
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    });
    const list = await adapter.listTasks(SESSION, { status: 'processing' });
    assert.equal(list.tasks[0]?.status, 'processing');
  } finally {
    await server.close();
  }
});

test('discover: paginated models without hidden/placeholder rows, devbox image, plan gating, no wallet on self-hosted', async () => {
  const row = (id: string, model: string, extra: Record<string, unknown> = {}) => ({
    id,
    model,
    provider: 'BaiZhiCloud',
    remark: model,
    weight: 1,
    owner: { type: 'public' },
    ...extra,
  });
  const server = await startMiniUpstream({
    routes: {
      'GET /api/v1/users/models': (req) =>
        req.query.get('cursor') === 'p2'
          ? ok({
              models: [
                row('m4', 'monkeycode-ultra/claude'),
                row('m5', 'secret', { is_hidden: true }),
                { broken: true },
              ],
              page: { has_next_page: false },
            })
          : ok({
              models: [
                row('m1', 'monkeycode-basic'),
                row('m2', 'monkeycode-basic/qwen', { weight: 3 }),
                row('m3', 'monkeycode-pro/glm'),
              ],
              page: { cursor: 'p2', has_next_page: true },
            }),
      'GET /api/v1/users/images': () =>
        ok({
          images: [
            { id: 'i1', remark: 'node', owner: { type: 'public' } },
            { id: 'i2', remark: 'devbox', owner: { type: 'public' } },
          ],
          page: { has_next_page: false },
        }),
      'GET /api/v1/users/subscription': () => ok({ plan: 'pro', auto_renew: false }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
    const found = await adapter.discover(SESSION);
    assert.deepEqual(
      found.models.map((m) => m.id),
      ['m2', 'm3', 'm4'],
    );
    assert.deepEqual(
      found.allowedModels.map((m) => m.id),
      ['m2', 'm3'],
    );
    assert.equal(found.defaultModel?.id, 'm3');
    assert.equal(found.plan, 'pro');
    assert.equal(found.environmentId, 'i2');
    assert.equal(found.hostId, 'public_host');
    assert.equal(found.wallet, null);
    assert.equal(server.requests.find((r) => r.path === '/api/v1/users/models')?.query.get('limit'), '200');
  } finally {
    await server.close();
  }
});

test('discover fails as session-expired when models come back as an HTML page', async () => {
  const server = await startMiniUpstream({
    routes: {
      'GET /api/v1/users/models': () => ({
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html></html>',
      }),
      'GET /api/v1/users/images': () => ok({ images: [] }),
      'GET /api/v1/users/subscription': () => ok({ plan: 'basic' }),
    },
  });
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url });
    await assert.rejects(adapter.discover(SESSION), isKind('session-expired'));
  } finally {
    await server.close();
  }
});

test('a consumer that stops at task-created leaves one status read and no wait behind', async () => {
  let reads = 0;
  let answered: () => void = () => undefined;
  const firstRead = new Promise<void>((resolve) => (answered = resolve));
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/tasks': () => ok({ id: TASK, status: 'pending' }),
      [`GET /api/v1/users/tasks/${TASK}`]: () => {
        reads += 1;
        setImmediate(answered);
        return ok({ id: TASK, status: 'pending' });
      },
    },
  });
  // Timers held by the test: the wait's deadline and its sleeps between reads.
  const armed: { fn: () => void; live: boolean }[] = [];
  const timers = {
    setTimeout(fn: () => void) {
      const timer = { fn, live: true };
      armed.push(timer);
      return () => void (timer.live = false);
    },
  };
  try {
    const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, timers, readiness: { history: 0 } });
    const events = adapter.runTurn(SESSION, newTask)[Symbol.asyncIterator]();
    const first = await events.next();
    assert.deepEqual(first.value, { type: 'task-created', taskId: TASK });
    await events.return(undefined);
    await firstRead;
    const live = () => armed.filter((t) => t.live);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    // The pending answer came back: the wait arms its sleep before the next read (beside its deadline).
    while (live().length < 2) await turn();
    const sleep = live().at(-1);
    assert.ok(sleep);
    sleep.live = false;
    sleep.fn();
    // Woken, it must end (its deadline disarmed) instead of reading again.
    while (live().length > 0 && reads < 2) await turn();
    assert.equal(live().length, 0);
    assert.equal(reads, 1);
  } finally {
    await server.close();
  }
});
