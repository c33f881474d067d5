import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { createResponsesStreamEncoder } from '../../src/openai/responses-stream-encoder.js';
import { foldResponse } from '../../src/openai/responses-fold.js';
import type { ResponseStreamEvent } from '../../src/openai/responses-wire.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { UpstreamError } from '../../src/util/errors.js';
import { baseOptions, encodeAll, startScriptedServer, type ScriptedServer } from './responses-support.js';
import { ev } from './support.js';

// Conformance: the real `openai` SDK (v6) consumes relaypool's events over a loopback socket.
// `responses.stream(...)` throws unless `response.created` comes first and items/parts are added
// before their deltas, and `finalResponse()` reads the final text from `response.completed`.

async function withServer<T>(server: ScriptedServer, run: (client: OpenAI) => Promise<T>): Promise<T> {
  try {
    return await run(new OpenAI({ baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 }));
  } finally {
    await server.close();
  }
}

const richTurn: UpstreamEvent[] = [
  ev.created(),
  ev.ready(),
  ev.reasoning('I should read '),
  ev.reasoning('the file.'),
  ev.tool('t1', 'Read', 'main.go'),
  ev.text('It prints '),
  ev.text('"hello".'),
  ev.reasoning('Double-check.'),
  ev.text(' Confirmed.'),
  ev.usage(30, 12),
  ev.finish(),
];

test('SDK stream: finalResponse() has the agent text, reasoning items and usage', async () => {
  const events = encodeAll(richTurn, { toolActivity: 'text' });
  const server = await startScriptedServer({ kind: 'sse', events });
  const final = await withServer(server, (client) =>
    client.responses.stream({ model: 'qwen', input: 'What does main.go print?' }).finalResponse(),
  );
  assert.equal(final.status, 'completed');
  assert.equal(final.output_text, '> [tool] Read main.go\n\nIt prints "hello". Confirmed.');
  assert.deepEqual(
    final.output.map((item) => item.type),
    ['reasoning', 'message', 'reasoning', 'message'],
  );
  const reasoning = final.output[0];
  assert.ok(reasoning?.type === 'reasoning');
  assert.deepEqual(reasoning.summary, [{ type: 'summary_text', text: 'I should read the file.' }]);
  assert.equal(final.usage?.total_tokens, 42);
  assert.deepEqual(server.requests, [{ model: 'qwen', input: 'What does main.go print?', stream: true }]);
});

test('SDK stream: every event arrives in order and text deltas build the snapshot', async () => {
  const events = encodeAll([ev.text('Hel'), ev.text('lo'), ev.finish()]);
  const server = await startScriptedServer({ kind: 'sse', events });
  const seen: string[] = [];
  const snapshots: string[] = [];
  await withServer(server, async (client) => {
    const stream = client.responses.stream({ model: 'qwen', input: 'hi' });
    stream.on('response.output_text.delta', (event) => snapshots.push(event.snapshot));
    for await (const event of stream) seen.push(`${event.sequence_number}:${event.type}`);
    assert.equal((await stream.finalResponse()).output_text, 'Hello');
  });
  assert.deepEqual(
    seen,
    events.map((event) => `${event.sequence_number}:${event.type}`),
  );
  assert.deepEqual(snapshots, ['Hel', 'Hello']);
});

test('SDK stream: an empty turn completes with empty output_text', async () => {
  const server = await startScriptedServer({ kind: 'sse', events: encodeAll([ev.created(), ev.finish()]) });
  const final = await withServer(server, (client) =>
    client.responses.stream({ model: 'qwen', input: 'hi' }).finalResponse(),
  );
  assert.equal(final.status, 'completed');
  assert.equal(final.output_text, '');
});

test('SDK stream: a failure after output ends with a failed response carrying the error', async () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  const events: ResponseStreamEvent[] = [
    ...encoder.push(ev.text('Partial')),
    ...encoder.fail(new UpstreamError('the upstream socket closed mid-turn')),
  ];
  const server = await startScriptedServer({ kind: 'sse', events });
  const final = await withServer(server, (client) =>
    client.responses.stream({ model: 'qwen', input: 'hi' }).finalResponse(),
  );
  assert.equal(final.status, 'failed');
  assert.deepEqual(final.error, { code: 'server_error', message: 'the upstream socket closed mid-turn' });
  assert.equal(final.output_text, 'Partial');
});

test('SDK non-stream: responses.create() reads the folded response; output_text matches', async () => {
  const { response } = foldResponse(richTurn, baseOptions());
  const server = await startScriptedServer({ kind: 'json', body: response });
  const created = await withServer(server, (client) =>
    client.responses.create({ model: 'qwen', input: 'hi' }),
  );
  assert.equal(created.id, 'resp_1');
  assert.equal(created.output_text, 'It prints "hello". Confirmed.');
  assert.deepEqual(created.output, response.output);
});
