import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ended, messageChunk, stall, started } from './agent/agent-steps.js';
import { createDefaultAgent } from './agent/default-agent.js';
import { assistantText } from './spec-acp.js';
import { userInputData } from './spec-base64.js';
import { envelope, SpecClient } from './spec-client.js';
import { SpecStream } from './spec-stream.js';
import { basicTask, setup } from './test-setup.js';

describe('handshake failures (docs/monkeycode-protocol.md §5.1)', () => {
  test('401 text on a bad cookie, 400 JSON on a bad id, 200 JSON code 500 for unknown/foreign tasks', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    const cookie = client.cookie;
    client.cookie = 'b0b0b0b0-0000-4000-8000-000000000000';
    const r401 = await client.openStream(id, 'new');
    assert.ok('refused' in r401);
    assert.equal(r401.status, 401);
    assert.match(r401.contentType, /^text\/plain/);
    assert.equal(r401.body, 'Unauthorized');
    client.cookie = cookie;
    const r400 = await client.openStream('nope', 'new');
    assert.ok('refused' in r400);
    assert.equal(r400.status, 400);
    assert.equal(
      envelope({ status: 400, contentType: '', text: '', json: JSON.parse(r400.body), setCookie: [] }).code,
      400,
    );
    const other = new SpecClient(fake.url);
    other.cookie = fake.issueSession(fake.addUser({ email: 'o@example.com', password: 'x' }).id);
    for (const [c, task] of [
      [client, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'],
      [other, id],
    ] as const) {
      const r = await c.openStream(task, 'attach');
      assert.ok('refused' in r);
      assert.equal(r.status, 200);
      const body = z.object({ code: z.number(), message: z.string() }).parse(JSON.parse(r.body));
      assert.equal(body.code, 500);
    }
    const hs = fake.requests
      .filter((r) => r.kind === 'ws-handshake')
      .map((r) => (r.kind === 'ws-handshake' ? r.status : 0));
    assert.deepEqual(hs, [401, 400, 200, 200]);
  });

  test('an expired session: open sockets keep working, new handshakes and REST get 401', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    fake.expireSession(client.cookie ?? '');
    s.sendUserInput('still here');
    assert.equal(assistantText(await s.until('task-ended')), 'echo: still here');
    await s.close();
    const r = await client.openStream(id, 'attach');
    assert.ok('refused' in r && r.status === 401);
    assert.equal((await client.call('GET', `/api/v1/users/tasks/${id}`)).status, 401);
  });
});

describe('socket faults and limits (docs/monkeycode-protocol.md §5.1, §5.7, §8.9)', () => {
  test('inbound messages over 32768 bytes close the socket with 1009; 32768 is fine', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    const frame = (len: number): string => {
      const base = JSON.stringify({ type: 'noop', data: null, pad: '' });
      return JSON.stringify({ type: 'noop', data: null, pad: 'x'.repeat(len - base.length) });
    };
    s.sendRaw(frame(32_768));
    s.sendUserInput('fits');
    assert.equal((await s.next()).type, 'user-input');
    const serverSide = fake.events.waitFor('socket-closed', (e) => e.code === 1009);
    s.sendRaw(frame(32_769));
    assert.equal((await s.closed).code, 1009);
    await serverSide;
    assert.ok(fake.requests.some((r) => r.kind === 'ws-close' && r.code === 1009 && r.by === 'server'));
  });

  test('a user text of ~18 KiB fits the limit after double base64; ~25 KiB does not', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    assert.ok(
      JSON.stringify({ type: 'user-input', data: userInputData('a'.repeat(18_000)) }).length <= 32_768,
    );
    const s = await client.stream(id, 'new');
    s.sendUserInput('a'.repeat(25_000));
    assert.equal((await s.closed).code, 1009);
  });

  test('pings every pingIntervalMs from the upgrade on, exact wire form', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 10 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    const p1 = await s.next((f) => f.type === 'ping');
    await s.next((f) => f.type === 'ping');
    assert.equal(p1.raw, '{"type":"ping","data":null,"kind":"","timestamp":0}');
    await s.close();
  });

  test('drop after N frames mid-turn; reconnecting with attach replays the turn and continues live', async (t) => {
    const { fake, client } = await setup(t, { agent: createDefaultAgent({ stepDelayMs: 10 }) });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    fake.faults.dropSocketAfterFrames(3);
    const s = await client.stream(id, 'new');
    s.sendUserInput('resilient');
    const closed = await s.closed;
    assert.equal(closed.code, 1006, 'no close frame');
    assert.equal(s.business().length, 3);
    assert.equal(fake.state.tasks.get(id)?.turns[1]?.state, 'running', 'the turn goes on in the VM');
    const again = await client.stream(id, 'attach');
    const all = await again.until('task-ended');
    assert.equal(all[0]?.type, 'cursor');
    const frames = all.slice(1);
    assert.deepEqual(
      frames.slice(0, 3).map((f) => f.raw),
      s.business().map((f) => f.raw),
      'replayed frames are identical (dedupe-able)',
    );
    assert.equal(assistantText(frames), 'echo: resilient');
    await again.close();
  });

  test('task-error fault: partial output, task-error with details, then task-ended', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    fake.faults.taskErrorOnNextTurn('model quota exceeded');
    const s = await client.stream(id, 'new');
    s.sendUserInput('boom');
    const frames = await s.until('task-ended');
    const err = frames.find((f) => f.type === 'task-error');
    assert.deepEqual(err?.decoded, { error: 'model quota exceeded', details: 'model quota exceeded' });
    await s.close();
  });

  test('stall: after the agent stalls nothing at all is sent, pings included', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 10 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    fake.faults.nextTurn(() => [started(), messageChunk('hm'), stall(), ended()]);
    const s = await client.stream(id, 'new');
    s.sendUserInput('x');
    await s.next((f) => f.type === 'task-running');
    const count = s.frames.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(s.frames.length, count);
    await s.close();
  });

  test('stallOpenSockets silences open sockets; stallSocketAfterFrames silences the next one', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 10 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'attach');
    await s.until('task-ended');
    const a = await client.stream(id, 'new');
    await a.next((f) => f.type === 'ping');
    const aId = fake.requests.filter((r) => r.kind === 'ws-handshake').at(-1);
    assert.ok(aId?.kind === 'ws-handshake');
    fake.faults.stallOpenSockets();
    const sentToA = () => fake.sentFrames.filter((f) => f.socketId === aId.socketId).length;
    const sentAtStall = sentToA();
    fake.faults.stallSocketAfterFrames(1);
    const b = await client.stream(id, 'attach');
    // Silence can only be observed over time: wait several ping periods.
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(sentToA(), sentAtStall, 'nothing sent to a after the stall');
    assert.equal(a.frames.length, sentAtStall);
    assert.equal(b.frames.length, 1);
    await Promise.all([s.close(), a.close(), b.close()]);
  });

  test('hibernation: sockets close 1000, mode=new input is refused, the control socket resumes the VM', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 10, resumeDelayMs: 5 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const open = await client.stream(id, 'new');
    fake.faults.hibernate(id);
    assert.equal((await open.closed).code, 1000);
    const info = z.object({ virtualmachine: z.object({ status: z.string() }).loose() }).loose();
    assert.equal(info.parse((await client.task(id)).data).virtualmachine.status, 'hibernated');
    const refused = await client.stream(id, 'new');
    refused.sendUserInput('wake up');
    assert.equal((await refused.closed).code, 1000);
    assert.deepEqual(refused.business(), [], 'closed without echo');
    const online = fake.events.waitFor('vm-status', (e) => e.taskId === id && e.status === 'online');
    const control = await client.stream(id, '', 'control');
    await online;
    await control.next((f) => f.type === 'ping');
    control.send('call', { request_id: 'r1' });
    const resp = await control.next();
    assert.equal(resp.type, 'call-response');
    assert.equal(
      z.object({ request_id: z.string(), success: z.boolean() }).loose().parse(resp.decoded).request_id,
      'r1',
    );
    await control.close();
    const s = await client.stream(id, 'new');
    s.sendUserInput('awake');
    assert.equal(assistantText(await s.until('task-ended')), 'echo: awake');
    await s.close();
    assert.ok(s instanceof SpecStream);
  });
});
