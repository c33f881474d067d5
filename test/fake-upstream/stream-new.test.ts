import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ask, ended, messageChunk, started } from './agent/agent-steps.js';
import { assistantText, sessionUpdate } from './spec-acp.js';
import { isCanonicalB64, toB64 } from './spec-base64.js';
import { basicTask, setup } from './test-setup.js';

const HELLO_DATA = 'eyJjb250ZW50IjoiYUdWc2JHOD0iLCJhdHRhY2htZW50cyI6W119';

describe('mode=new (docs/monkeycode-protocol.md §5.5)', () => {
  test('a turn: echo with double-base64 text, ACP frames, task-ended; wire format exact', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('first'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    const text = 'hello 世界 👋';
    s.sendUserInput(text);
    const frames = await s.until('task-ended');
    const echo = frames[0];
    assert.equal(echo?.type, 'user-input');
    assert.deepEqual(echo.decoded, { content: toB64(text), attachments: [] });
    assert.equal(frames[1]?.type, 'task-started');
    assert.equal(frames[1]?.kind, 'acp_event');
    const updates = frames.map(sessionUpdate).filter((u) => u !== null);
    for (const u of [
      'agent_thought_chunk',
      'tool_call',
      'tool_call_update',
      'agent_message_chunk',
      'usage_update',
    ])
      assert.ok(updates.includes(u), u);
    assert.ok(updates.filter((u) => u === 'agent_message_chunk').length >= 2, 'reply split in chunks');
    assert.equal(assistantText(frames), `echo: ${text}`);
    for (const f of frames) {
      assert.deepEqual(
        f.keys,
        f.seq === undefined
          ? ['type', 'data', 'kind', 'timestamp']
          : ['type', 'data', 'kind', 'seq', 'timestamp'],
      );
      assert.ok(f.data === null || isCanonicalB64(f.data));
      assert.ok(f.timestamp > 1_700_000_000_000 && f.timestamp < 10_000_000_000_000, 'milliseconds');
      if (f.type === 'task-running') assert.ok((f.seq ?? 0) > 0);
      else assert.equal(f.seq, undefined, `seq omitted on ${f.type}`);
    }
    const inbound = fake.requests.filter((r) => r.kind === 'ws-in');
    assert.equal(inbound.length, 1);
    assert.equal(inbound[0]?.kind === 'ws-in' && inbound[0].dataValidBase64, true);
    await s.close();
  });

  test("the spec's exact user-input example is echoed byte for byte", async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    s.sendRaw(JSON.stringify({ type: 'user-input', data: HELLO_DATA }));
    const echo = await s.next();
    assert.equal(echo.data, HELLO_DATA);
    assert.equal(echo.kind, '');
    assert.equal(assistantText(await s.until('task-ended')), 'echo: hello');
    await s.close();
  });

  test('an undecodable user-input is silently dropped: no echo, pings only; a good one then works', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 15 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    let n = 0;
    const handled = fake.events.waitFor('request', (r) => r.kind === 'ws-in' && ++n === 3);
    s.sendRaw(JSON.stringify({ type: 'user-input', data: 'hello world' }));
    s.sendRaw(JSON.stringify({ type: 'user-input', data: { content: 'x' } }));
    s.sendRaw('not json at all');
    await handled;
    // Any reply would precede the next ping on the wire: read up to that ping.
    await fake.events.waitFor('frame-out', (e) => e.frame.type === 'ping');
    const pings = fake.sentFrames.filter((f) => f.taskId === id && f.frame.type === 'ping').length;
    for (let i = 0; i < pings; i++) await s.next((f) => f.type === 'ping');
    assert.deepEqual(s.business(), []);
    const dropped = fake.requests.filter((r) => r.kind === 'ws-in' && r.dropped);
    assert.equal(dropped.length, 3);
    assert.equal(dropped[0]?.kind === 'ws-in' && dropped[0].dataValidBase64, false);
    s.sendUserInput('now');
    assert.equal((await s.next()).type, 'user-input');
    assert.equal(assistantText(await s.until('task-ended')), 'echo: now');
    await s.close();
  });

  test('wait-for-client: after task-ended pings stop, the next client frame is read (and Continue-d), then close 1000', async (t) => {
    const { fake, client } = await setup(t, { pingIntervalMs: 10 });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    s.sendUserInput('a');
    await s.until('task-ended');
    const count = s.frames.length;
    // Absence of pings can only be observed over time: wait several ping periods.
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(s.frames.length, count, 'nothing after task-ended');
    s.sendUserInput('lost turn');
    assert.equal((await s.closed).code, 1000);
    await fake.waitForTurnEnd(id, 3);
    assert.equal(s.frames.length, count, 'the new turn is not streamed on this socket');
    assert.equal(fake.state.tasks.get(id)?.turns[2]?.prompt, 'lost turn');
  });

  test('close1000: the server closes right after task-ended', async (t) => {
    const { fake, client } = await setup(t, { closeAfterTurn: 'close1000' });
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    const s = await client.stream(id, 'new');
    s.sendUserInput('a');
    await s.until('task-ended');
    assert.equal((await s.closed).code, 1000);
  });

  test('ask-user-question blocks until reply-question; the reply is echoed; other frames are ignored', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    fake.faults.nextTurn(() => [
      started(),
      ask(
        'q1',
        [{ question: 'Which pipeline?', options: [{ label: 'full' }, { label: 'fast' }] }],
        (reply) => [messageChunk(`chose ${reply.answers_json}`)],
      ),
      ended(),
    ]);
    const s = await client.stream(id, 'new');
    s.send('auto-approve');
    s.sendUserInput('go');
    const q = await s.next((f) => f.kind === 'acp_ask_user_question');
    assert.equal(q.type, 'task-running');
    assert.deepEqual(q.decoded, {
      toolCall: {
        toolCallId: 'q1',
        title: 'AskUserQuestion',
        kind: 'other',
        status: 'pending',
        rawInput: {
          questions: [{ question: 'Which pipeline?', options: [{ label: 'full' }, { label: 'fast' }] }],
        },
      },
    });
    s.send('reply-question', { request_id: 'other', answers_json: '{}', cancelled: false });
    s.sendRaw(
      '{"type":"reply-question","data":"eyJyZXF1ZXN0X2lkIjoicTEiLCJhbnN3ZXJzX2pzb24iOiJ7XCJXaGljaCBwaXBlbGluZT9cIjpcImZ1bGxcIn0iLCJjYW5jZWxsZWQiOmZhbHNlfQ=="}',
    );
    const echo = await s.next();
    assert.equal(echo.type, 'reply-question');
    assert.deepEqual(echo.decoded, {
      request_id: 'q1',
      answers_json: '{"Which pipeline?":"full"}',
      cancelled: false,
    });
    assert.equal(assistantText(await s.until('task-ended')), 'chose {"Which pipeline?":"full"}');
    assert.equal(fake.state.tasks.get(id)?.autoApprove, true);
    await s.close();
  });

  test('user-cancel ends the running turn; user-stop finishes the task', async (t) => {
    const { fake, client } = await setup(t);
    const id = await client.createTaskId(basicTask('x'));
    await fake.waitForTurnEnd(id, 1);
    fake.faults.nextTurn(() => [started(), messageChunk('working'), { kind: 'hang' }]);
    const s = await client.stream(id, 'new');
    s.sendUserInput('long job');
    await s.next((f) => sessionUpdate(f) === 'agent_message_chunk');
    s.send('user-cancel');
    const rest = await s.until('task-ended');
    assert.deepEqual(
      rest.map((f) => f.type),
      ['user-cancel', 'task-ended'],
    );
    s.send('user-stop');
    assert.equal((await s.closed).code, 1000);
    assert.equal(fake.state.tasks.get(id)?.status, 'finished');
  });
});
