import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { steps } from '../fake-upstream/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

describe('/v1/chat/completions through the openai SDK', () => {
  test('non-stream create answers with the agent text, reasoning apart, and usage', async () => {
    const completion = await h.client.chat.completions.create({
      model: h.model,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, h.model);
    const choice = completion.choices[0]!;
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, 'echo: hello there');
    assert.ok(completion.usage && completion.usage.total_tokens > 0);
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    assert.equal(task.systemPrompt, 'be brief');
    assert.equal(task.content, 'hello there');
    assert.equal(task.cliName, 'opencode');
    await h.allTasksStopped();
  });

  test('the access log line names the account label and the upstream task, never the cookie', async () => {
    const completion = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'trace me' }],
    });
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    const line = h
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request' && entry.path === '/v1/chat/completions')
      .at(-1);
    assert.ok(completion.id);
    assert.equal(line?.account, 'acc0');
    assert.equal(line?.task, task.id);
    assert.doesNotMatch(h.logs(), /monkeycode_ai_session=/);
    await h.allTasksStopped();
  });

  test('streaming: role first, text deltas, reasoning only in reasoning_content, stop, usage chunk', async () => {
    const stream = await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me' }],
    });
    let content = '';
    let reasoning = '';
    let finish: string | null = null;
    let usageChunks = 0;
    let first = true;
    for await (const chunk of stream) {
      if (first) {
        assert.equal(chunk.choices[0]?.delta.role, 'assistant');
        first = false;
      }
      if (chunk.usage) usageChunks += 1;
      const choice = chunk.choices[0];
      if (!choice) continue;
      content += choice.delta.content ?? '';
      const delta: Record<string, unknown> = { ...choice.delta };
      if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
      finish = choice.finish_reason ?? finish;
    }
    assert.equal(content, 'echo: stream me');
    assert.ok(reasoning.length > 0, 'the agent thought is relayed as reasoning_content');
    assert.ok(!content.includes(reasoning), 'reasoning never appears in content');
    assert.equal(finish, 'stop');
    assert.equal(usageChunks, 1);
    await h.allTasksStopped();
  });

  test('chat.completions.stream(...).finalChatCompletion() accepts the stream', async () => {
    const runner = h.client.chat.completions.stream({
      model: h.model,
      messages: [{ role: 'user', content: 'final please' }],
    });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0]?.message.content, 'echo: final please');
    assert.equal(final.choices[0]?.finish_reason, 'stop');
    await h.allTasksStopped();
  });

  test('a multi-turn conversation is rendered into the task content, not resent as frames', async () => {
    await h.client.chat.completions.create({
      model: h.model,
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'second question' },
      ],
    });
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    assert.match(task.content, /<conversation>/);
    assert.match(task.content, /second question/);
    const inbound = h.fake.requests.filter((r) => r.kind === 'ws-in');
    assert.ok(
      inbound.every((frame) => frame.dataValidBase64 !== false),
      'every frame relaypool sent carries base64 data',
    );
    await h.allTasksStopped();
  });

  test('a prompt larger than 32 KiB still works (it travels in the task content)', async () => {
    const big = `${'lorem ipsum '.repeat(4000)}END`;
    const completion = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: big }],
    });
    assert.equal(completion.choices[0]?.message.content, `echo: ${big}`);
    await h.allTasksStopped();
  });

  test('bad input is a BadRequestError naming the parameter, and starts no task', async () => {
    const before = h.fake.state.tasks.size;
    await assert.rejects(
      h.client.chat.completions.create({ model: h.model, n: 2, messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'n',
    );
    await assert.rejects(
      h.client.chat.completions.create({
        model: h.model,
        tool_choice: 'required',
        tools: [{ type: 'function', function: { name: 'f' } }],
        messages: [{ role: 'user', content: 'x' }],
      }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'tool_choice',
    );
    assert.equal(h.fake.state.tasks.size, before);
  });

  test('client tools are accepted and ignored by default', async () => {
    const completion = await h.client.chat.completions.create({
      model: h.model,
      tools: [
        { type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: {} } } },
      ],
      messages: [{ role: 'user', content: 'with tools' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'echo: with tools');
    assert.equal(completion.choices[0]?.message.tool_calls, undefined);
    await h.allTasksStopped();
  });

  test('an unknown model is a NotFoundError', async () => {
    await assert.rejects(
      h.client.chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
      (err: unknown) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found',
    );
  });

  test('the account being busy upstream (10811) is a RateLimitError with Retry-After', async () => {
    h.fake.faults.failNextCreate({ code: 10811 });
    await assert.rejects(
      h.client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.RateLimitError && Number(err.headers?.get('retry-after')) > 0,
    );
    await h.server.services.accounts.refresh(1);
  });

  test('an upstream failure before any output is an APIError with a 5xx status', async () => {
    h.fake.faults.failNextCreate({ httpStatus: 503 });
    await assert.rejects(
      h.client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.InternalServerError && (err.status ?? 0) >= 500,
    );
    await h.allTasksStopped();
  });

  test('a socket dropped mid-turn with its VM never ends with finish_reason stop; the stream carries one error', async () => {
    // A drop while the task lives is resumed (test/contract/stream-resume.test.ts); a dead VM is not.
    h.fake.faults.breakNextStream({ afterFrames: 4, action: 'drop', killVm: true });
    const stream = await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      messages: [{ role: 'user', content: 'drop me please' }],
    });
    let finish: string | null = null;
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
      })(),
      (err: unknown) => err instanceof OpenAI.APIError,
    );
    assert.notEqual(finish, 'stop');
    await h.allTasksStopped();
  });

  test('a task-error from the agent mid-turn ends the stream with an error, and the task is stopped', async () => {
    h.fake.faults.taskErrorOnNextTurn('model overloaded');
    const stream = await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      messages: [{ role: 'user', content: 'fail later' }],
    });
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
      (err: unknown) => err instanceof OpenAI.APIError,
    );
    await h.allTasksStopped();
  });

  test('a client abort mid-stream stops the upstream task', async () => {
    h.fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('partial'), steps.hang()]);
    const controller = new AbortController();
    const stream = await h.client.chat.completions.create(
      { model: h.model, stream: true, messages: [{ role: 'user', content: 'abort me' }] },
      { signal: controller.signal },
    );
    // The SDK (v6) ends the iteration quietly on abort; what matters is the upstream side.
    let seen = '';
    try {
      for await (const chunk of stream) {
        seen += chunk.choices[0]?.delta.content ?? '';
        if (seen) controller.abort();
      }
    } catch (err) {
      assert.ok(err instanceof OpenAI.APIUserAbortError, String(err));
    }
    assert.equal(seen, 'partial');
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    await h.fake.waitForTaskStatus(task.id, 'finished', 10_000);
  });

  test('a client that gives up while the task is being created leaks nothing: the task is stopped once its id arrives', async () => {
    h.fake.options.createReplyDelayMs = 300;
    const before = h.fake.state.tasks.size;
    const controller = new AbortController();
    const exists = h.fake.events.waitFor('task-status', (e) => e.status === 'pending', 5000);
    const created = h.fake.events.waitFor(
      'request',
      (entry) => entry.kind === 'http' && entry.method === 'POST' && entry.path === '/api/v1/users/tasks',
      5000,
    );
    const request = h.client.chat.completions.create(
      { model: h.model, messages: [{ role: 'user', content: 'gone before the id' }] },
      { signal: controller.signal },
    );
    try {
      // Abort while the create call is in flight: the task exists, its id comes 300 ms later.
      const rejected = assert.rejects(request, OpenAI.APIUserAbortError);
      await exists;
      controller.abort();
      await rejected;
      await created;
      const task = [...h.fake.state.tasks.values()][before];
      assert.ok(task, 'the upstream created the task');
      await h.fake.waitForTaskStatus(task.id, 'finished', 10_000);
    } finally {
      h.fake.options.createReplyDelayMs = 0;
    }
  });

  test('GET /v1/models lists the models the account may use', async () => {
    const page = await h.client.models.list();
    const ids = page.data.map((m) => m.id);
    assert.ok(ids.includes(h.model));
    assert.ok(!ids.includes('monkeycode-basic'), 'tier placeholders are not listed');
    const one = await h.client.models.retrieve(h.model);
    assert.equal(one.id, h.model);
    await assert.rejects(h.client.models.retrieve('nope'), OpenAI.NotFoundError);
  });

  test('malformed JSON is a 400 in OpenAI shape', async () => {
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'invalid_json');
  });
});
