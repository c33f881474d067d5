import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startRuntimeApiFake, type RuntimeApiFake } from '../../fake-platforms/runtime-api-fake.js';
import { startPlatformHarness, type PlatformHarness } from '../../support/platform-harness.js';

const MODEL = 'rt/agent';

describe('Runtime API upstream through the openai client', () => {
  let fake: RuntimeApiFake;
  let h: PlatformHarness;
  before(async () => {
    fake = await startRuntimeApiFake({ users: { 'dev@example.com': 'pw' }, expiresIn: 3600 });
    h = await startPlatformHarness([{ name: 'rt', platform: 'runtime-api', url: fake.url }]);
    await h.server.services.accounts.addPassword('dev@example.com', 'pw', { upstream: 'rt', label: 'rt1' });
  });
  after(async () => {
    await h.close();
    await fake.close();
  });

  test('the model is listed under the upstream name', async () => {
    const models = await h.client.models.list();
    const entry = models.data.find((m) => m.id === MODEL);
    assert.ok(entry, 'rt/agent listed');
    assert.equal(entry.owned_by, 'rt');
  });

  test('chat non-stream and stream return the run output with usage', async () => {
    const r = await h.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    assert.match(r.choices[0]?.message.content ?? '', /^runtime answer 1: hello there$/);
    assert.equal(r.choices[0]?.finish_reason, 'stop');
    assert.ok((r.usage?.total_tokens ?? 0) > 0);
    const stream = h.client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'streamed' }],
    });
    const done = await stream.finalChatCompletion();
    assert.match(done.choices[0]?.message.content ?? '', /streamed$/);
  });

  test('Responses stream and non-stream; previous_response_id continues the same upstream session', async () => {
    const first = await h.client.responses.create({ model: MODEL, input: 'first question' });
    assert.match(first.output_text, /first question$/);
    const events: string[] = [];
    const stream = h.client.responses.stream({
      model: MODEL,
      input: 'second question',
      previous_response_id: first.id,
    });
    for await (const event of stream) events.push(event.type);
    const second = await stream.finalResponse();
    assert.match(second.output_text, /^runtime answer 2: second question$/);
    assert.ok(events.includes('response.completed'));
    const chats = fake.requests.filter((r) => r.path === '/api/v1/agent-chats');
    const last = chats.at(-1)?.body as { session_id?: string; message: string };
    assert.equal(typeof last.session_id, 'string');
    assert.equal(last.message, 'second question', 'only the new turn is sent');
  });

  test('chat continuity: the resent history continues on the session with only the new message', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'one' }];
    const a = await h.client.chat.completions.create({ model: MODEL, messages });
    messages.push(
      { role: 'assistant', content: a.choices[0]?.message.content ?? '' },
      { role: 'user', content: 'two' },
    );
    const b = await h.client.chat.completions.create({ model: MODEL, messages });
    assert.match(b.choices[0]?.message.content ?? '', /^runtime answer 2: two$/);
  });

  test('an expired access token is refreshed (rotating refresh token) and the request succeeds', async () => {
    const before = fake.refreshes;
    fake.expireAccessTokens();
    const r = await h.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'after expiry' }],
    });
    assert.match(r.choices[0]?.message.content ?? '', /after expiry$/);
    assert.equal(fake.refreshes, before + 1);
  });

  test('a 429 from the platform reaches the client as 429 and cools nothing but that account', async () => {
    fake.faults.status.push(429);
    await assert.rejects(
      h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'limited' }] }),
      (err: unknown) => err instanceof OpenAI.RateLimitError,
    );
  });
});
