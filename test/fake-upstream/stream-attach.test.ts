import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { createDefaultAgent } from './agent/default-agent.js';
import { assistantText } from './spec-acp.js';
import { fromB64, toB64 } from './spec-base64.js';
import { envelope, SpecClient } from './spec-client.js';
import { basicTask, setup } from './test-setup.js';

const createdAt = z.object({ created_at: z.number() }).loose();

describe('mode=attach (docs/monkeycode-protocol.md §5.5, §5.6)', () => {
  test('first turn: replay starts with a synthetic user-input from content, ends at task-ended (idle)', async (t) => {
    const { fake, client } = await setup(t);
    const env = await client.createTask(basicTask('Write a haiku about WebSockets.'));
    const id = z.object({ id: z.string() }).parse(env.data).id;
    await fake.waitForTaskStatus(id, 'processing');
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'attach');
    const frames = await s.until('task-ended');
    assert.equal(frames[0]?.type, 'user-input');
    assert.deepEqual(frames[0]?.decoded, {
      content: toB64('Write a haiku about WebSockets.'),
      attachments: [],
    });
    assert.equal(frames[0]?.timestamp, createdAt.parse(env.data).created_at * 1000);
    assert.equal(frames[1]?.type, 'task-started');
    assert.equal(assistantText(frames), 'echo: Write a haiku about WebSockets.');
    assert.equal(
      frames.some((f) => f.type === 'cursor'),
      false,
      'no cursor for a single turn',
    );
    s.send('ping');
    assert.equal((await s.closed).code, 1000);
  });

  test('attach mid-turn: replay + live, no gap and no duplicate, then stop', async (t) => {
    const { fake, client } = await setup(t, {
      agent: createDefaultAgent({ stepDelayMs: 15 }),
      closeAfterTurn: 'close1000',
    });
    let n = 0;
    const third = fake.events.waitFor('turn-frame', () => ++n === 3);
    const id = await client.createTaskId(basicTask('slow'));
    await third;
    const s = await client.stream(id, 'attach');
    assert.equal(fake.state.tasks.get(id)?.turns[0]?.state, 'running', 'attached mid-turn');
    const frames = await s.until('task-ended');
    const logged = fake.state.tasks.get(id)?.turns[0]?.frames.map((f) => f.frame.data) ?? [];
    assert.deepEqual(
      frames.map((f) => f.data),
      logged,
    );
    assert.equal((await s.closed).code, 1000);
  });

  test('cursor frame first when older turns exist; only the latest turn is replayed', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('one'));
    await fake.waitForTurnEnd(id, 1);
    const n = await client.stream(id, 'new');
    n.sendUserInput('two');
    await n.until('task-ended');
    await n.close();
    const s = await client.stream(id, 'attach');
    const frames = await s.until('task-ended');
    assert.equal(frames[0]?.type, 'cursor');
    assert.deepEqual(frames[0]?.decoded, { cursor: '2', has_more: true });
    assert.equal(frames[1]?.type, 'user-input');
    assert.equal(assistantText(frames), 'echo: two');
    await s.close();
  });

  test('any mode other than "new" behaves as attach', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'watch');
    assert.equal((await s.next()).type, 'user-input');
    await s.close();
  });

  test('error frame + close for a task without VM (pending, finished)', async (t) => {
    const { fake, client } = await setup(t, { bootDelayMs: 60_000, concurrencyLimit: 3 });
    const pending = await client.createTaskId(basicTask('x'));
    for (const mode of ['attach', 'new']) {
      const s = await client.stream(pending, mode);
      const f = await s.next();
      assert.equal(f.type, 'error');
      assert.equal(f.timestamp, 0);
      assert.equal(
        f.raw,
        '{"type":"error","data":"Im5vIHZpcnR1YWwgbWFjaGluZSBvciBob3N0IGZvciB0YXNrIg==","kind":"","timestamp":0}',
      );
      assert.equal(JSON.parse(fromB64(f.data ?? '')), 'no virtual machine or host for task');
      assert.equal((await s.closed).code, 1000);
    }
    await client.stop(pending);
    const s = await client.stream(pending, 'attach');
    assert.equal((await s.next()).type, 'error');
    await s.closed;
    assert.ok(fake.requests.some((r) => r.kind === 'ws-close' && r.by === 'server'));
  });

  test('a read-only viewer can watch but its frames do not act', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const viewer = fake.addUser({ email: 'v@example.com', password: 'x' });
    const vc = new SpecClient(fake.url);
    vc.cookie = fake.issueSession(viewer.id);
    assert.equal(
      await vc.openStream(id, 'new').then((r) => ('refused' in r ? r.status : 101)),
      200,
      'not shared yet',
    );
    fake.shareTask(id, viewer.id);
    const s = await vc.stream(id, 'new');
    s.sendUserInput('hijack');
    const stopSeen = fake.events.waitFor('request', (r) => r.kind === 'ws-in' && r.type === 'user-stop');
    s.send('user-stop');
    await stopSeen;
    assert.equal(fake.state.tasks.get(id)?.turns.length, 1);
    assert.equal(envelope(await client.call('GET', `/api/v1/users/tasks/${id}`)).code, 0);
    assert.equal(fake.state.tasks.get(id)?.status, 'processing');
    await s.close();
  });
});
