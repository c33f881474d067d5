import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import Database from 'better-sqlite3';
import { MODEL_IDS } from '../fake-upstream/index.js';
import type { TaskRecord } from '../fake-upstream/types.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

// POST /v1/messages and friends through the official Anthropic SDK, against the fake upstream.

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness({
    env: { RELAYPOOL_API_KEYS: 'key-one' },
    yaml: 'openai:\n  defaultModel: monkeycode-basic/qwen3.5-plus\nanthropic:\n  modelAliases:\n    claude-opus-4-1: monkeycode-pro/kimi-k2.5\n    claude-*: null\n',
  });
  client = new Anthropic({ baseURL: h.server.url, apiKey: 'key-one', maxRetries: 0, timeout: 20_000 });
});
after(() => h.close());

const creates = (): number =>
  h.fake.requests.filter((r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks')
    .length;

function lastTask(): TaskRecord {
  const task = [...h.fake.state.tasks.values()].at(-1);
  assert.ok(task, 'a task exists');
  return task;
}

describe('/v1/messages through the Anthropic SDK', () => {
  test('non-stream: a thinking block with a signature, then the text; end_turn and usage; claude-* runs on the default model', async () => {
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'be brief' }],
      messages: [{ role: 'user', content: 'hello there' }],
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
    };
    // Sampling parameters older clients (and Claude Code) still send: accepted and ignored.
    const message = await client.messages.create(
      Object.assign(params, { temperature: 0.2, top_p: 0.9, top_k: 5 }),
    );
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, 'claude-sonnet-4-5');
    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.deepEqual(
      message.content.map((block) => block.type),
      ['thinking', 'text'],
    );
    const [thinking, text] = message.content;
    assert.ok(
      thinking?.type === 'thinking' &&
        thinking.thinking.includes('hello there') &&
        thinking.signature.length > 0,
    );
    assert.ok(text?.type === 'text' && text.text === 'echo: hello there');
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const task = lastTask();
    assert.equal(task.systemPrompt, 'be brief');
    assert.equal(task.content, 'hello there');
    assert.equal(task.modelId, MODEL_IDS.basicQwen);
    await h.allTasksStopped();
  });

  test('stream: the event sequence of the API; thinking_delta, signature_delta, text_delta; usage in message_delta', async () => {
    const stream = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'stream me' }],
    });
    const types: string[] = [];
    let text = '';
    let thinking = '';
    let usage: Anthropic.MessageDeltaUsage | null = null;
    for await (const event of stream) {
      types.push(event.type === 'content_block_delta' ? event.delta.type : event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta')
        thinking += event.delta.thinking;
      if (event.type === 'message_delta') {
        assert.equal(event.delta.stop_reason, 'end_turn');
        usage = event.usage;
      }
    }
    assert.equal(text, 'echo: stream me');
    assert.match(thinking, /stream me/);
    assert.ok(usage !== null && usage.output_tokens > 0);
    const collapsed = types.filter((type, i) => type !== types[i - 1]);
    assert.deepEqual(collapsed, [
      'message_start',
      'content_block_start',
      'thinking_delta',
      'signature_delta',
      'content_block_stop',
      'content_block_start',
      'text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    await h.allTasksStopped();
  });

  test('messages.stream(): text and thinking helpers, finalMessage() and finalText()', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'final please' }],
    });
    let streamed = '';
    let thought = '';
    let signatures = 0;
    stream.on('text', (delta) => (streamed += delta));
    stream.on('thinking', (delta) => (thought += delta));
    stream.on('signature', () => (signatures += 1));
    const final = await stream.finalMessage();
    assert.equal(streamed, 'echo: final please');
    assert.equal(await stream.finalText(), 'echo: final please');
    assert.equal(signatures, 1);
    const block = final.content[0];
    assert.ok(block?.type === 'thinking' && block.thinking === thought);
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.usage.input_tokens > 0 && final.usage.output_tokens > 0);
    await h.allTasksStopped();
  });

  test('the usage table and the metrics record the route', async () => {
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'count me' }],
    });
    await h.allTasksStopped();
    const db = new Database(h.server.services.config.store.db, { readonly: true });
    try {
      const row: unknown = db
        .prepare(
          "SELECT route, outcome, prompt_tokens FROM usage WHERE route = 'messages' ORDER BY id DESC LIMIT 1",
        )
        .get();
      assert.ok(typeof row === 'object' && row !== null);
      assert.equal(Reflect.get(row, 'outcome'), 'ok');
      assert.ok(Number(Reflect.get(row, 'prompt_tokens')) > 0);
    } finally {
      db.close();
    }
    const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
    assert.match(
      metrics,
      /relaypool_http_requests_total\{method="POST",route="\/v1\/messages",status="200"\} \d+/,
    );
  });

  test('a resent conversation continues on the task that answered it: no new task, only the new text', async () => {
    const first: MessageParam = { role: 'user', content: [{ type: 'text', text: 'my name is Ada' }] };
    const answer = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'be brief',
      messages: [first],
    });
    const task = lastTask();
    const before = creates();
    // Claude Code resends the answer as it got it: thinking block (with its signature) and text.
    const second = await client.messages
      .stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        system: 'be brief',
        messages: [
          first,
          { role: 'assistant', content: answer.content },
          { role: 'user', content: 'what is my name?' },
        ],
      })
      .finalMessage();
    assert.equal(creates(), before, 'no new task');
    assert.deepEqual(
      task.turns.map((turn) => turn.prompt),
      ['my name is Ada', 'what is my name?'],
    );
    const text = second.content.find((block) => block.type === 'text');
    assert.ok(text?.type === 'text' && text.text === 'echo: what is my name?');
    await h.allTasksStopped();
    assert.deepEqual(h.idleTasks(), [task.id]);
  });

  test('resent tool_use / tool_result blocks are rendered into the transcript; client tools are ignored', async () => {
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      tools: [
        {
          name: 'Read',
          description: 'read a file',
          input_schema: { type: 'object', properties: { path: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'auto' },
      messages: [
        { role: 'user', content: 'read main.go' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'main.go' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'package main' },
            { type: 'text', text: 'what does it do?' },
          ],
        },
      ],
    });
    const { content } = lastTask();
    assert.match(content, /<tool_call id="toolu_1" name="Read">\n\{"path":"main.go"\}\n<\/tool_call>/);
    assert.match(content, /<message role="tool" tool_call_id="toolu_1">\npackage main\n<\/message>/);
    assert.match(content, /<message role="user">\nwhat does it do\?\n<\/message>/);
    await h.allTasksStopped();
  });

  test('thinking disabled by the request: no thinking block', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'no thoughts' }],
    });
    assert.deepEqual(
      message.content.map((block) => block.type),
      ['text'],
    );
    await h.allTasksStopped();
  });

  test('beta messages (?beta=true, anthropic-beta) and a Bearer token work too', async () => {
    const bearer = new Anthropic({
      baseURL: h.server.url,
      apiKey: null,
      authToken: 'key-one',
      maxRetries: 0,
    });
    const message = await bearer.beta.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      betas: ['interleaved-thinking-2025-05-14'],
      messages: [{ role: 'user', content: 'beta hello' }],
    });
    const text = message.content.find((block) => block.type === 'text');
    assert.ok(text?.type === 'text' && text.text === 'echo: beta hello');
    await h.allTasksStopped();
  });

  test('an exact alias picks its own model', async () => {
    await client.messages.create({
      model: 'claude-opus-4-1',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'on kimi' }],
    });
    assert.equal(lastTask().modelId, MODEL_IDS.proKimi);
    await h.allTasksStopped();
  });

  test('count_tokens: the usage estimate of the prompt, and no task', async () => {
    const before = creates();
    const small = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'abcd'.repeat(10) }],
    });
    const large = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      system: 'sys',
      messages: [{ role: 'user', content: 'abcd'.repeat(100) }],
    });
    assert.equal(small.input_tokens, 10);
    assert.equal(large.input_tokens, 101);
    assert.equal(creates(), before);
  });

  test('GET /v1/models with anthropic-version answers in Anthropic list shape', async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    assert.ok(ids.includes(h.model));
    assert.ok(ids.includes('claude-opus-4-1'));
    assert.ok(
      page.data.every(
        (model) =>
          model.type === 'model' &&
          model.display_name === model.id &&
          !Number.isNaN(Date.parse(model.created_at)),
      ),
    );
    const one = await client.models.retrieve('claude-sonnet-4-5');
    assert.equal(one.id, 'claude-sonnet-4-5');
    await assert.rejects(client.models.retrieve('gpt-nope'), Anthropic.NotFoundError);
    const openai = (await (
      await fetch(`${h.server.url}/v1/models`, { headers: { 'x-api-key': 'key-one' } })
    ).json()) as { object: string };
    assert.equal(openai.object, 'list');
  });
});
