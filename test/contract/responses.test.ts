import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const lastTask = () => [...h.fake.state.tasks.values()].at(-1)!;

describe('/v1/responses through the openai SDK', () => {
  test('non-stream: output_text is the agent text; instructions become the system prompt', async () => {
    const response = await h.client.responses.create({
      model: h.model,
      instructions: 'be terse',
      input: 'hello responses',
    });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, 'echo: hello responses');
    assert.ok(response.usage && response.usage.total_tokens > 0);
    assert.equal(lastTask().systemPrompt, 'be terse');
    await h.allTasksStopped();
  });

  test('stream: responses.stream().finalResponse() accepts the event sequence', async () => {
    const stream = h.client.responses.stream({
      model: h.model,
      input: [{ role: 'user', content: 'stream it' }],
    });
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'echo: stream it');
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(types.includes('response.output_item.done'));
    assert.ok(types.indexOf('response.content_part.added') < types.indexOf('response.output_text.delta'));
    await h.allTasksStopped();
  });

  test('previous_response_id whose task is gone replays the stored conversation into a new task; GET/DELETE work', async () => {
    const first = await h.client.responses.create({ model: h.model, input: 'my name is Ada' });
    // The kept task ends behind relaypool's back (stopped on the web UI, recycled by the platform).
    const cookie = (await h.server.services.store.accounts.getSecrets(1))?.cookie ?? '';
    const kept = lastTask().id;
    await fetch(`${h.fake.url}/api/v1/users/tasks/stop`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: `monkeycode_ai_session=${cookie}` },
      body: JSON.stringify({ id: kept }),
    });
    await h.fake.waitForTaskStatus(kept, 'finished');
    const second = await h.client.responses.create({
      model: h.model,
      input: 'what is my name?',
      previous_response_id: first.id,
    });
    assert.notEqual(lastTask().id, kept);
    const content = lastTask().content;
    assert.match(content, /my name is Ada/);
    assert.match(content, /echo: my name is Ada/);
    assert.match(content, /what is my name\?/);
    assert.equal(second.output_text.startsWith('echo: '), true);
    const fetched = await h.client.responses.retrieve(second.id);
    assert.equal(fetched.id, second.id);
    assert.equal(fetched.output_text, second.output_text);
    await h.client.responses.delete(second.id);
    await assert.rejects(h.client.responses.retrieve(second.id), OpenAI.NotFoundError);
    await h.allTasksStopped();
  });

  test('store:false retains nothing; an unknown previous_response_id is a 404', async () => {
    const response = await h.client.responses.create({ model: h.model, input: 'forget me', store: false });
    await assert.rejects(h.client.responses.retrieve(response.id), OpenAI.NotFoundError);
    await assert.rejects(
      h.client.responses.create({ model: h.model, input: 'x', previous_response_id: 'resp_missing' }),
      (err: unknown) => err instanceof OpenAI.NotFoundError && err.param === 'previous_response_id',
    );
    await h.allTasksStopped();
  });

  test('a Codex-style body (store:false, include, reasoning, namespace tools) is accepted; background is refused', async () => {
    const res = await fetch(`${h.server.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: h.model,
        instructions: 'You are Codex.',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'codex says hi' }] }],
        store: false,
        stream: false,
        include: ['reasoning.encrypted_content'],
        reasoning: { effort: 'medium', summary: 'auto' },
        text: { verbosity: 'medium' },
        parallel_tool_calls: false,
        tool_choice: 'auto',
        tools: [
          { type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } },
          { type: 'namespace', name: 'mcp', tools: [] },
        ],
        client_metadata: { a: 'b' },
        prompt_cache_key: 'k',
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { output_text: string }).output_text, 'echo: codex says hi');
    await assert.rejects(
      h.client.responses.create({ model: h.model, input: 'x', background: true }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'background',
    );
    await h.allTasksStopped();
  });

  test('a failure after output started ends the stream with response.failed', async () => {
    h.fake.faults.taskErrorOnNextTurn('agent crashed');
    const stream = h.client.responses.stream({ model: h.model, input: 'fail midway' });
    const final = await stream.finalResponse();
    assert.equal(final.status, 'failed');
    await h.allTasksStopped();
  });
});
