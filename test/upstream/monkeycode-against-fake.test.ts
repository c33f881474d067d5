/**
 * The MonkeyCode client against the shared fake server (`test/fake-upstream/`): login with the
 * go-cap captcha, discovery, a first turn via attach, a second via mode=new, stop — plus a few
 * fault paths the fake can script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { createMonkeyCodeAdapter } from '../../src/upstream/monkeycode/index.js';
import {
  IMAGE_IDS,
  MODEL_IDS,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedEntry,
} from '../fake-upstream/index.js';

async function collect(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const textOf = (events: UpstreamEvent[]): string =>
  events.map((e) => (e.type === 'text' ? e.text : '')).join('');

function closesOf(fake: FakeUpstream): Array<Extract<RecordedEntry, { kind: 'ws-close' }>> {
  return fake.requests.flatMap((entry) => (entry.kind === 'ws-close' ? [entry] : []));
}

test('login (captcha) → discover → first turn (attach) → second turn (mode=new) → stop', async () => {
  const fake = await startFakeUpstream({ bootDelayMs: 5, pingIntervalMs: 50, stepDelayMs: 1 });
  try {
    fake.addUser({ email: 'dev@example.com', password: 'p@ss word ', plan: 'pro' });
    const adapter = createMonkeyCodeAdapter({ baseUrl: fake.url, pollIntervalMs: 5 });

    const login = await adapter.login({ email: 'dev@example.com', password: 'p@ss word ' });
    assert.ok(fake.state.sessions.has(login.session));
    assert.ok(login.expiresAt !== null && login.expiresAt.getTime() > Date.now() + 29 * 86_400_000);
    assert.equal((await adapter.validateSession(login.session)).email, 'dev@example.com');

    const found = await adapter.discover(login.session);
    assert.equal(found.environmentId, IMAGE_IDS.devbox);
    assert.equal(found.hostId, 'public_host');
    assert.equal(found.plan, 'pro');
    const ids = found.models.map((m) => m.id);
    for (const hidden of [
      MODEL_IDS.basicHidden,
      MODEL_IDS.basicPlaceholder,
      MODEL_IDS.proPlaceholder,
      MODEL_IDS.ultraPlaceholder,
    ]) {
      assert.ok(!ids.includes(hidden), hidden);
    }
    assert.ok(ids.includes(MODEL_IDS.ultraSonnet));
    assert.ok(!found.allowedModels.some((m) => m.id === MODEL_IDS.ultraSonnet));
    assert.equal(found.defaultModel?.id, MODEL_IDS.proKimi);

    const first = await collect(
      adapter.runTurn(login.session, {
        kind: 'new-task',
        modelId: MODEL_IDS.proKimi,
        content: 'hello fake',
        environmentId: found.environmentId ?? undefined,
      }),
    );
    assert.equal(first[0]?.type, 'task-created');
    const taskId = first[0]?.type === 'task-created' ? first[0].taskId : '';
    assert.equal(textOf(first), 'echo: hello fake');
    assert.ok(first.some((e) => e.type === 'reasoning'));
    assert.ok(first.some((e) => e.type === 'tool-activity' && e.title === 'Read'));
    const usage = first.find((e) => e.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.estimated === false && usage.inputTokens > 0);
    assert.deepEqual(first.at(-1), { type: 'finish', taskId });

    const second = await collect(
      adapter.runTurn(login.session, { kind: 'follow-up', taskId, text: 'and again' }),
    );
    assert.equal(textOf(second), 'echo: and again');
    assert.deepEqual(second.at(-1), { type: 'finish', taskId });

    const handshakes = fake.requests.flatMap((e) => (e.kind === 'ws-handshake' ? [e] : []));
    assert.deepEqual(
      handshakes.map((h) => h.query.mode),
      ['attach', 'new'],
    );
    const inbound = fake.requests.flatMap((e) => (e.kind === 'ws-in' ? [e] : []));
    assert.deepEqual(
      inbound.map((f) => [f.type, f.dataValidBase64, f.dropped]),
      [['user-input', true, false]],
    );
    assert.ok(closesOf(fake).every((c) => c.by === 'client' && c.code === 1000));

    await adapter.stopTask(login.session, taskId);
    await fake.waitForTaskStatus(taskId, 'finished');
    assert.equal((await adapter.getTaskState(login.session, taskId)).phase, 'ended');

    await adapter.logout(login.session);
    await assert.rejects(
      adapter.validateSession(login.session),
      (err: unknown) => isUpstreamFailure(err) && err.kind === 'session-expired',
    );
  } finally {
    await fake.close();
  }
});

test('fake faults: 10811 on create, dropped socket, task-error, HTML session page, hibernated wake-up', async () => {
  const fake = await startFakeUpstream({
    bootDelayMs: 5,
    pingIntervalMs: 50,
    stepDelayMs: 1,
    captcha: { enabled: false },
    concurrencyLimit: 5,
  });
  try {
    const user = fake.addUser({ email: 'dev@example.com', password: 'pw', plan: 'basic' });
    const session = fake.issueSession(user.id);
    const adapter = createMonkeyCodeAdapter({ baseUrl: fake.url, pollIntervalMs: 5 });
    const newTask = { kind: 'new-task' as const, modelId: MODEL_IDS.basicQwen, content: 'hi' };

    fake.faults.failNextCreate({ code: 10811 });
    const refused = await collect(adapter.runTurn(session, newTask));
    assert.deepEqual(
      refused.map((e) => (e.type === 'error' ? e.kind : e.type)),
      ['concurrency'],
    );

    // With reattaching turned off (maxReattaches 0) a dropped socket ends the turn (docs/monkeycode-protocol.md §5.7 resume is
    // covered in test/contract/stream-resume.test.ts).
    fake.faults.dropSocketAfterFrames(3, 'attach');
    const dropped = await collect(adapter.runTurn(session, newTask, { maxReattaches: 0 }));
    const drop = dropped.at(-1);
    assert.ok(drop?.type === 'error' && drop.kind === 'network');

    fake.faults.taskErrorOnNextTurn('upstream model error: 429');
    const failed = await collect(adapter.runTurn(session, newTask));
    const failure = failed.at(-1);
    assert.ok(
      failure?.type === 'error' && failure.kind === 'task-failed' && /429/.test(failure.error.message),
    );

    const healthy = await collect(adapter.runTurn(session, newTask));
    assert.equal(healthy.at(-1)?.type, 'finish');
    const taskId = healthy[0]?.type === 'task-created' ? healthy[0].taskId : '';
    fake.faults.hibernate(taskId);
    const woken = await collect(adapter.runTurn(session, { kind: 'follow-up', taskId, text: 'wake up' }));
    assert.equal(textOf(woken), 'echo: wake up');
    assert.ok(fake.requests.some((e) => e.kind === 'ws-handshake' && e.path.endsWith('/tasks/control')));

    fake.faults.htmlPage('/api/v1/users/models');
    await assert.rejects(
      adapter.listModels(session),
      (err: unknown) => isUpstreamFailure(err) && err.kind === 'session-expired',
    );
  } finally {
    await fake.close();
  }
});
