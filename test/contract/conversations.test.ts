import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startServer } from '../../src/server/start.js';
import type { TaskRecord } from '../fake-upstream/types.js';
import { steps } from '../fake-upstream/index.js';
import { captureLogger } from '../support/log-capture.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

// Conversation continuity on live tasks (docs/architecture.md §3 step 3), through the real SDK against the fake.

function creates(h: Harness): number {
  return h.fake.requests.filter(
    (r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks',
  ).length;
}

function tasks(h: Harness): TaskRecord[] {
  return [...h.fake.state.tasks.values()];
}

function lastTask(h: Harness): TaskRecord {
  const all = tasks(h);
  const last = all[all.length - 1];
  assert.ok(last, 'a task exists');
  return last;
}

/** Stop a task behind relaypool's back, as an operator on the web UI (or the platform recycling it) would. */
async function stopUpstream(h: Harness, taskId: string): Promise<void> {
  const cookie = (await h.server.services.store.accounts.getSecrets(1))?.cookie ?? '';
  const res = await fetch(`${h.fake.url}/api/v1/users/tasks/stop`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', cookie: `monkeycode_ai_session=${cookie}` },
    body: JSON.stringify({ id: taskId }),
  });
  assert.equal(res.status, 200);
  await h.fake.waitForTaskStatus(taskId, 'finished');
}

async function chat(h: Harness, messages: ChatCompletionMessageParam[], client = h.client): Promise<string> {
  const done = await client.chat.completions.create({ model: h.model, messages });
  return done.choices[0]?.message.content ?? '';
}

describe('conversation continuity on live tasks', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { RELAYPOOL_API_KEYS: 'key-one,key-two' } });
    h.client.apiKey = 'key-one';
  });
  after(() => h.close());

  test('previous_response_id continues on the same upstream task: one new turn with only the new text, no new task', async () => {
    const first = await h.client.responses.create({ model: h.model, input: 'my name is Ada' });
    const task = lastTask(h);
    const before = creates(h);
    const second = await h.client.responses.create({
      model: h.model,
      input: 'what is my name?',
      previous_response_id: first.id,
    });
    assert.equal(creates(h) - before, 0, 'no new task');
    assert.deepEqual(
      task.turns.map((turn) => turn.prompt),
      ['my name is Ada', 'what is my name?'],
    );
    assert.equal(second.output_text, 'echo: what is my name?');
    const sockets = h.fake.requests
      .filter((r) => r.kind === 'ws-handshake' && r.query.id === task.id)
      .map((r) => r.kind === 'ws-handshake' && r.query.mode);
    assert.deepEqual(sockets, ['attach', 'new'], 'turn 1 watched with attach, turn 2 sent with mode=new');
    // A streamed third turn continues too, and the SDK accepts its event sequence.
    const third = await h.client.responses
      .stream({ model: h.model, input: 'and my age?', previous_response_id: second.id })
      .finalResponse();
    assert.equal(third.output_text, 'echo: and my age?');
    assert.equal(creates(h) - before, 0);
    assert.equal(task.turns.length, 3);
    await h.allTasksStopped();
    assert.deepEqual(h.idleTasks(), [task.id], 'kept for the next turn');
    const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
    assert.match(metrics, /relaypool_kept_task_turns_total\{how="continued"\} 2/);
    assert.match(metrics, /relaypool_account_idle_tasks\{account_id="1"\} 1/);
  });

  test("a chat conversation's third message reuses the task that answered the first two", async () => {
    const before = creates(h);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first question' },
    ];
    const a1 = await chat(h, messages);
    const task = lastTask(h);
    assert.equal(task.systemPrompt, 'Be brief.');
    messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: 'second question' });
    const a2 = await chat(h, messages);
    messages.push({ role: 'assistant', content: a2 }, { role: 'user', content: 'third question' });
    const a3 = await h.client.chat.completions.stream({ model: h.model, messages }).finalChatCompletion();
    assert.equal(a3.choices[0]?.message.content, 'echo: third question');
    assert.equal(creates(h) - before, 1, 'one task for the whole conversation');
    assert.deepEqual(
      task.turns.map((turn) => turn.prompt),
      ['first question', 'second question', 'third question'],
    );
  });

  test('a streamed answer ends only once its task is kept: the very next turn, sent at [DONE], continues on it', async () => {
    const before = creates(h);
    h.fake.faults.nextTurn(() => [
      steps.started(),
      steps.messageChunk('streamed '),
      steps.delay(300),
      steps.messageChunk('first'),
      steps.ended(),
    ]);
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'streamed first' }];
    let answer = '';
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    for await (const chunk of await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      messages,
    })) {
      if (answer === '') {
        // The usage lookup after the turn is held a moment: the stream must not end before the
        // task is kept and bound, whatever that lookup costs.
        h.fake.faults.holdNext('GET', /^\/api\/v1\/users\/tasks\/[0-9a-f-]{36}$/, held);
        setTimeout(release, 800); // the turn ends ~300 ms after this chunk
      }
      answer += chunk.choices[0]?.delta.content ?? '';
    }
    messages.push({ role: 'assistant', content: answer }, { role: 'user', content: 'streamed second' });
    assert.equal(await chat(h, messages), 'echo: streamed second');
    assert.equal(creates(h) - before, 1, "the second turn found the first one's task kept and bound");
  });

  test('when the bound task is gone, the conversation is replayed into a new task and answered right', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'remember 42' }];
    const a1 = await chat(h, messages);
    const task = lastTask(h);
    await stopUpstream(h, task.id);
    const before = creates(h);
    messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: 'which number?' });
    const answer = await chat(h, messages);
    assert.equal(creates(h) - before, 1, 'a new task');
    const replay = lastTask(h);
    assert.notEqual(replay.id, task.id);
    assert.match(replay.content, /remember 42/);
    assert.match(replay.content, /echo: remember 42/);
    assert.match(replay.content, /which number\?/);
    assert.equal(answer, `echo: ${replay.content}`, 'the answer to the whole conversation');
    // The conversation now lives on the new task.
    messages.push({ role: 'assistant', content: answer }, { role: 'user', content: 'again?' });
    await chat(h, messages);
    assert.equal(replay.turns.length, 2);
  });

  test("another client key cannot continue someone else's conversation", async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'secret plan' }];
    const a1 = await chat(h, messages);
    const task = lastTask(h);
    const other = new OpenAI({ baseURL: h.client.baseURL, apiKey: 'key-two', maxRetries: 0 });
    const before = creates(h);
    messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: 'continue it' });
    await chat(h, messages, other);
    assert.equal(creates(h) - before, 1, 'the other key gets its own task');
    assert.equal(task.turns.length, 1, "the first key's task took no turn");
    const first = await h.client.responses.create({ model: h.model, input: 'mine' });
    await assert.rejects(
      other.responses.create({ model: h.model, input: 'steal', previous_response_id: first.id }),
      OpenAI.NotFoundError,
    );
  });

  test('an edited earlier message starts over: a new task with the whole conversation', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'original' }];
    const a1 = await chat(h, messages);
    const before = creates(h);
    await chat(h, [
      { role: 'user', content: 'edited' },
      { role: 'assistant', content: a1 },
      { role: 'user', content: 'next' },
    ]);
    assert.equal(creates(h) - before, 1);
    assert.match(lastTask(h).content, /edited/);
  });

  test("a follow-up too large for one frame (docs/monkeycode-protocol.md §5.1) goes into a new task's content", async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'short start' }];
    const a1 = await chat(h, messages);
    const before = creates(h);
    const big = 'y'.repeat(40_000);
    messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: big });
    const answer = await chat(h, messages);
    assert.equal(creates(h) - before, 1);
    assert.ok(lastTask(h).content.includes(big));
    assert.ok(answer.startsWith('echo: '));
    const frames = h.fake.requests.filter((r) => r.kind === 'ws-close' && r.code === 1009);
    assert.equal(frames.length, 0, 'nothing was sent that the server would refuse');
  });

  test('a hibernated sandbox is woken, and the conversation continues on it', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'before sleep' }];
    const a1 = await chat(h, messages);
    const task = lastTask(h);
    h.fake.faults.hibernate(task.id);
    const before = creates(h);
    messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: 'after sleep' });
    assert.equal(await chat(h, messages), 'echo: after sleep');
    assert.equal(creates(h) - before, 0);
    assert.equal(task.vmStatus, 'online');
    assert.deepEqual(task.turns.map((turn) => turn.prompt).slice(-1), ['after sleep']);
  });

  test('store:false retains nothing: no kept task, no binding', async () => {
    const response = await h.client.responses.create({ model: h.model, input: 'forget me', store: false });
    assert.equal(response.output_text, 'echo: forget me');
    await h.allTasksStopped();
    const task = lastTask(h);
    await h.fake.waitForTaskStatus(task.id, 'finished');
    assert.ok(!h.idleTasks().includes(task.id));
    const chatDone = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'no keep' }],
      store: false,
    });
    assert.ok(chatDone.id);
    await h.fake.waitForTaskStatus(lastTask(h).id, 'finished');
  });
});

describe('idle tasks hold slots only while nobody needs them', () => {
  test('a waiting request makes the least recently used idle task stop, instead of waiting for the idle TTL', async () => {
    const h = await startHarness({
      env: { RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '600000', RELAYPOOL_POOL_QUEUE_TIMEOUT_MS: '5000' },
    });
    try {
      await chat(h, [{ role: 'user', content: 'conversation A' }]);
      const a = lastTask(h);
      await h.allTasksStopped();
      assert.deepEqual(h.idleTasks(), [a.id]);
      // One account, one slot, held by A's idle task: B is served once A's task is stopped.
      assert.equal(await chat(h, [{ role: 'user', content: 'conversation B' }]), 'echo: conversation B');
      assert.equal(a.status, 'finished', 'A was evicted');
      const status = (await (await fetch(`${h.server.url}/admin/pool/status`)).json()) as {
        locked: number;
        idleTasks: number;
      };
      assert.equal(status.idleTasks, 1, "B's task is kept now");
      assert.equal(status.locked, 0, 'an idle task does not make its account locked');
      // Continuing A now replays it into a new task (B's idle task makes way).
      const answer = await chat(h, [
        { role: 'user', content: 'conversation A' },
        { role: 'assistant', content: 'echo: conversation A' },
        { role: 'user', content: 'more A' },
      ]);
      assert.match(answer, /more A/);
    } finally {
      await h.close();
    }
  });

  test('an idle task is stopped after the idle TTL, and every kept task is stopped at shutdown', async () => {
    const h = await startHarness({ env: { RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '300' }, accounts: 2 });
    try {
      await chat(h, [{ role: 'user', content: 'short-lived' }]);
      await h.allTasksFinished();
      assert.deepEqual(h.idleTasks(), []);
    } finally {
      await h.close();
    }
    const g = await startHarness({ accounts: 2 });
    await chat(g, [{ role: 'user', content: 'kept one' }]);
    await chat(g, [{ role: 'user', content: 'kept two' }]);
    await g.allTasksStopped();
    assert.equal(g.idleTasks().length, 2);
    await g.server.close('test');
    assert.deepEqual(
      tasks(g).map((task) => task.status),
      ['finished', 'finished'],
      'shutdown stops kept tasks',
    );
    await g.close();
  });

  test('conversations.idleTtlMs 0 keeps nothing', async () => {
    const h = await startHarness({ env: { RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '0' } });
    try {
      const a1 = await chat(h, [{ role: 'user', content: 'one' }]);
      await h.allTasksFinished();
      const before = creates(h);
      await chat(h, [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: a1 },
        { role: 'user', content: 'two' },
      ]);
      assert.equal(creates(h) - before, 1);
    } finally {
      await h.close();
    }
  });
});

describe('conversations.reuseWhenStoreFalse (Codex CLI: store:false, the whole conversation as input)', () => {
  test('store:false requests continue by the resent conversation, bound in memory only', async () => {
    const h = await startHarness({ env: { RELAYPOOL_CONVERSATIONS_REUSE_WHEN_STORE_FALSE: 'true' } });
    try {
      const input: OpenAI.Responses.ResponseInput = [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'codex turn one' }] },
      ];
      const first = await h.client.responses.create({
        model: h.model,
        instructions: 'You are Codex.',
        input,
        store: false,
      });
      const task = lastTask(h);
      const before = creates(h);
      input.push(
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: first.output_text, annotations: [] }],
        },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'codex turn two' }] },
      );
      const second = await h.client.responses.create({
        model: h.model,
        instructions: 'You are Codex.',
        input,
        store: false,
      });
      assert.equal(second.output_text, 'echo: codex turn two');
      assert.equal(creates(h) - before, 0);
      assert.equal(task.turns.length, 2);
      assert.equal(await h.server.services.store.conversations.count(), 0, 'no binding on disk');
      await assert.rejects(h.client.responses.retrieve(second.id), OpenAI.NotFoundError);
    } finally {
      await h.close();
    }
  });
});

describe('continuity across a restart', () => {
  test('a task an earlier process kept for a conversation is taken over; the conversation goes on without a replay', async () => {
    const h = await startHarness({ accounts: 1 });
    try {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'before the restart' }];
      const a1 = await chat(h, messages);
      const task = lastTask(h);
      await h.allTasksStopped();
      // The first process stops beating, as if it had crashed (it is not shut down: its tasks stay
      // unstopped); a second process on the same database takes over.
      await h.server.services.pool.leave();
      const { config } = h.server.services;
      const restarted = await startServer({
        config: { ...config, server: { ...config.server, port: 0 } },
        logger: captureLogger('silent').logger,
      });
      try {
        assert.equal(restarted.services.pool.idleCounts().get(1), 1, 'taken over, not stopped');
        assert.equal(task.status, 'processing');
        const client = new OpenAI({ baseURL: `${restarted.url}/v1`, apiKey: 'unused', maxRetries: 0 });
        const before = creates(h);
        messages.push({ role: 'assistant', content: a1 }, { role: 'user', content: 'after the restart' });
        const done = await client.chat.completions.create({ model: h.model, messages });
        assert.equal(done.choices[0]?.message.content, 'echo: after the restart');
        assert.equal(creates(h) - before, 0);
        assert.equal(task.turns.length, 2);
      } finally {
        await restarted.close('test');
      }
      assert.equal(task.status, 'finished', 'the new owner stopped it at shutdown');
    } finally {
      await h.close();
    }
  });
});
