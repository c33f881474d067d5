import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { steps } from '../fake-upstream/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { readSse } from '../support/read-sse.js';

// Failures on the Anthropic routes: Anthropic's error shape and the SDK's error classes; the wire.

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness({
    env: { RELAYPOOL_API_KEYS: 'key-one', RELAYPOOL_STREAM_KEEP_ALIVE_MS: '100' },
    yaml: 'openai:\n  defaultModel: monkeycode-basic/qwen3.5-plus\n',
  });
  client = new Anthropic({ baseURL: h.server.url, apiKey: 'key-one', maxRetries: 0, timeout: 20_000 });
});
after(() => h.close());

const user = (text: string) => [{ role: 'user' as const, content: text }];
const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': 'key-one' }) =>
  fetch(`${h.server.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });

function isApiError(
  type: string,
  cls: abstract new (...args: never[]) => InstanceType<typeof Anthropic.APIError> = Anthropic.APIError,
) {
  return (err: unknown): boolean => err instanceof cls && err.type === type;
}

describe('/v1/messages failures', () => {
  test('bad input is a BadRequestError (invalid_request_error) naming the field, and starts no task', async () => {
    const before = h.fake.state.tasks.size;
    const res = await post({ model: 'claude-sonnet-4-5', messages: user('x') });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      type: 'error',
      error: { type: 'invalid_request_error', message: "Missing required parameter: 'max_tokens'." },
      request_id: res.headers.get('x-request-id'),
    });
    const image = {
      type: 'image' as const,
      source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'AAAA' },
    };
    await assert.rejects(
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, image] }],
      }),
      (err: unknown) =>
        isApiError('invalid_request_error', Anthropic.BadRequestError)(err) &&
        /messages\[0\]\.content\[1\]/.test(String(err)) &&
        /image/.test(String(err)),
    );
    await assert.rejects(
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 8,
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
        messages: user('x'),
      }),
      isApiError('invalid_request_error', Anthropic.BadRequestError),
    );
    const malformed = await fetch(`${h.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'key-one' },
      body: '{"model":',
    });
    assert.equal(
      ((await malformed.json()) as { error: { type: string } }).error.type,
      'invalid_request_error',
    );
    assert.equal(h.fake.state.tasks.size, before);
  });

  test('a wrong key is an AuthenticationError in Anthropic shape; chat keeps OpenAI shape', async () => {
    const stranger = new Anthropic({ baseURL: h.server.url, apiKey: 'wrong', maxRetries: 0 });
    await assert.rejects(
      stranger.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: user('x') }),
      isApiError('authentication_error', Anthropic.AuthenticationError),
    );
    await assert.rejects(
      stranger.messages.countTokens({ model: 'claude-sonnet-4-5', messages: user('x') }),
      Anthropic.AuthenticationError,
    );
    const chat = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' },
      body: '{}',
    });
    assert.equal(chat.status, 401);
    assert.equal(((await chat.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
  });

  test('an unknown model is a NotFoundError (not_found_error)', async () => {
    await assert.rejects(
      client.messages.create({ model: 'gpt-nope', max_tokens: 8, messages: user('x') }),
      isApiError('not_found_error', Anthropic.NotFoundError),
    );
    const other = await fetch(`${h.server.url}/v1/messages/batches`, { headers: { 'x-api-key': 'key-one' } });
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { type: string }).type, 'error');
  });

  test('the account busy upstream (10811) is a RateLimitError with retry-after', async () => {
    h.fake.faults.failNextCreate({ code: 10811 });
    await assert.rejects(
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: user('x') }),
      (err: unknown) => {
        return (
          isApiError('rate_limit_error', Anthropic.RateLimitError)(err) &&
          err instanceof Anthropic.RateLimitError &&
          Number(err.headers.get('retry-after')) > 0
        );
      },
    );
    await h.server.services.accounts.refresh(1);
  });

  test('no upstream capacity is overloaded_error (503), a stream too', async () => {
    h.fake.faults.failNextCreate({ code: 10204 });
    await assert.rejects(
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 8,
        stream: true,
        messages: user('x'),
      }),
      (err: unknown) => {
        return (
          isApiError('overloaded_error', Anthropic.InternalServerError)(err) &&
          err instanceof Anthropic.APIError &&
          err.status === 503
        );
      },
    );
    await h.server.services.accounts.refresh(1);
  });

  test('keep-alive ping events flow while the VM boots; every event is named by its type', async () => {
    h.fake.faults.slowNextBoot(450);
    const res = await post({
      model: 'claude-sonnet-4-5',
      max_tokens: 8,
      stream: true,
      messages: user('slow boot'),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { events, comments } = await readSse(res.body);
    assert.deepEqual(comments, []);
    for (const event of events) assert.equal((JSON.parse(event.data) as { type: string }).type, event.event);
    assert.equal(events[0]?.event, 'message_start');
    const pingsBeforeContent = events.findIndex((event) => event.event === 'content_block_start') - 1;
    assert.ok(pingsBeforeContent >= 2, `pings while booting: ${pingsBeforeContent}`);
    assert.equal(events.at(-1)?.event, 'message_stop');
    await h.allTasksStopped();
  });

  test('a failure after output started is one error event, never a message_stop', async () => {
    h.fake.faults.taskErrorOnNextTurn('model overloaded');
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 8,
      messages: user('fail later'),
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    await assert.rejects(
      stream.finalMessage(),
      (err: unknown) => err instanceof Anthropic.APIError && err.type === 'api_error',
    );
    assert.ok(text.length > 0, 'output had started');
    await h.allTasksStopped();
  });

  test('a client abort mid-stream stops the upstream task', async () => {
    h.fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('partial'), steps.hang()]);
    const stream = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 8,
      stream: true,
      messages: user('abort me'),
    });
    let seen = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') seen += event.delta.text;
      if (seen) stream.controller.abort();
    }
    assert.equal(seen, 'partial');
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    await h.fake.waitForTaskStatus(task.id, 'finished', 10_000);
  });
});
