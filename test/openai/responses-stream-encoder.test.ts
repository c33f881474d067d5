import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Response as SdkResponse,
  ResponseStreamEvent as SdkStreamEvent,
} from 'openai/resources/responses/responses';
import type { ResponseEcho } from '../../src/openai/responses-object.js';
import { createResponsesStreamEncoder } from '../../src/openai/responses-stream-encoder.js';
import type { ResponseObject, ResponseStreamEvent } from '../../src/openai/responses-wire.js';
import { InternalError, NoCapacityError, UpstreamError } from '../../src/util/errors.js';
import { baseOptions, encodeAll } from './responses-support.js';
import { ev } from './support.js';

const typesOf = (events: readonly ResponseStreamEvent[]) => events.map((event) => event.type);

function terminal(events: readonly ResponseStreamEvent[]): ResponseObject {
  const last = events.at(-1);
  assert.ok(
    last?.type === 'response.completed' || last?.type === 'response.failed',
    `last event is ${last?.type}`,
  );
  return last.response;
}

test('golden: a text turn emits the full OpenAI sequence with sequence numbers 0..n', () => {
  const events = encodeAll([
    ev.created(),
    ev.ready(),
    ev.started(),
    ev.text('Hel'),
    ev.text('lo'),
    ev.finish(),
  ]);
  assert.deepEqual(typesOf(events), [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.delta',
    'response.output_text.delta',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  assert.deepEqual(
    events.map((event) => event.sequence_number),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(events.slice(2, 9), [
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { id: 'msg_1', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
      sequence_number: 2,
    },
    {
      type: 'response.content_part.added',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      sequence_number: 3,
    },
    {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hel',
      logprobs: [],
      sequence_number: 4,
    },
    {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'lo',
      logprobs: [],
      sequence_number: 5,
    },
    {
      type: 'response.output_text.done',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      text: 'Hello',
      logprobs: [],
      sequence_number: 6,
    },
    {
      type: 'response.content_part.done',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: 'Hello', annotations: [], logprobs: [] },
      sequence_number: 7,
    },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }],
      },
      sequence_number: 8,
    },
  ]);
});

test('events are assignable to the SDK types; lifecycle snapshots carry the right status', () => {
  const events: SdkStreamEvent[] = encodeAll([
    ev.reasoning('r'),
    ev.text('ok'),
    ev.usage(10, 2),
    ev.finish(),
  ]);
  const created = events[0];
  assert.ok(created?.type === 'response.created');
  const snapshot: SdkResponse = created.response;
  assert.equal(snapshot.status, 'in_progress');
  assert.deepEqual(snapshot.output, []);
  assert.equal(snapshot.usage, undefined);
  assert.equal(events[1]?.type, 'response.in_progress');
});

test('the completed response: status, output, usage, output_text, echo of the request', () => {
  const request: ResponseEcho = {
    instructions: 'Be brief.',
    metadata: { ticket: '7' },
    previousResponseId: 'resp_0',
    store: false,
    toolChoice: 'none',
    parallelToolCalls: false,
  };
  const response = terminal(encodeAll([ev.text('Hi'), ev.usage(12, 3), ev.finish()], { request }));
  assert.deepEqual(response, {
    id: 'resp_1',
    object: 'response',
    created_at: 1_700_000_000,
    status: 'completed',
    completed_at: 1_700_000_005,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: 'Be brief.',
    metadata: { ticket: '7' },
    model: 'qwen',
    output: [
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [] }],
      },
    ],
    output_text: 'Hi',
    parallel_tool_calls: false,
    previous_response_id: 'resp_0',
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'none',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: {
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    },
  });
});

test('without upstream usage the encoder estimates from the prompt and the output', () => {
  const encoder = createResponsesStreamEncoder(
    baseOptions({ prompt: { systemPrompt: null, content: 'abcdefgh' } }),
  );
  encoder.push(ev.reasoning('abcd'));
  encoder.push(ev.text('abcd'));
  const response = terminal(encoder.finish());
  assert.deepEqual(encoder.usage(), {
    inputTokens: 2,
    outputTokens: 2,
    totalTokens: 4,
    estimated: true,
  });
  assert.equal(response.usage?.total_tokens, 4);
});

test('lifecycle events emit nothing; start() sends created + in_progress once', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  assert.deepEqual(encoder.push(ev.created()), []);
  assert.deepEqual(typesOf(encoder.start()), ['response.created', 'response.in_progress']);
  assert.deepEqual(encoder.start(), []);
  assert.equal(encoder.hasOutput(), false, 'created is not output');
  const next = encoder.push(ev.text('x'));
  assert.deepEqual(typesOf(next), [
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.delta',
  ]);
  assert.equal(next[0]?.sequence_number, 2);
  assert.equal(encoder.hasOutput(), true);
});

test('reasoning becomes a reasoning item before the message, closed when text starts', () => {
  const events = encodeAll([ev.reasoning('Let me '), ev.reasoning('think.'), ev.text('Answer'), ev.finish()]);
  assert.deepEqual(typesOf(events), [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.reasoning_summary_part.added',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.done',
    'response.reasoning_summary_part.done',
    'response.output_item.done',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.delta',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  assert.deepEqual(events[2], {
    type: 'response.output_item.added',
    output_index: 0,
    item: { id: 'rs_1', type: 'reasoning', summary: [] },
    sequence_number: 2,
  });
  assert.deepEqual(events[3], {
    type: 'response.reasoning_summary_part.added',
    item_id: 'rs_1',
    output_index: 0,
    summary_index: 0,
    part: { type: 'summary_text', text: '' },
    sequence_number: 3,
  });
  assert.deepEqual(events[6], {
    type: 'response.reasoning_summary_text.done',
    item_id: 'rs_1',
    output_index: 0,
    summary_index: 0,
    text: 'Let me think.',
    sequence_number: 6,
  });
  const response = terminal(events);
  assert.deepEqual(
    response.output.map((item) => [item.type, item.id]),
    [
      ['reasoning', 'rs_1'],
      ['message', 'msg_2'],
    ],
  );
  assert.deepEqual(response.output[0], {
    id: 'rs_1',
    type: 'reasoning',
    summary: [{ type: 'summary_text', text: 'Let me think.' }],
  });
  assert.equal(response.output_text, 'Answer');
});

test('interleaved reasoning and text: items never overlap and output_index matches the final output', () => {
  const events = encodeAll([ev.reasoning('a'), ev.text('X'), ev.reasoning('b'), ev.text('Y'), ev.finish()]);
  const response = terminal(events);
  assert.deepEqual(
    response.output.map((item) => item.type),
    ['reasoning', 'message', 'reasoning', 'message'],
  );
  let open: string | null = null;
  for (const event of events) {
    if (event.type === 'response.output_item.added') {
      assert.equal(open, null, 'an item was still open');
      assert.equal(response.output[event.output_index]?.id, event.item.id);
      open = event.item.id;
    } else if (event.type === 'response.output_item.done') {
      assert.equal(open, event.item.id);
      assert.deepEqual(event.item, response.output[event.output_index]);
      open = null;
    } else if ('item_id' in event) {
      assert.equal(event.item_id, open);
      assert.equal(response.output[event.output_index]?.id, event.item_id);
    }
  }
  assert.equal(response.output_text, 'XY');
});

test('reasoning hidden: no reasoning item, and reasoning alone is not output', () => {
  const encoder = createResponsesStreamEncoder(baseOptions({ reasoning: 'hide' }));
  assert.deepEqual(encoder.push(ev.reasoning('secret plan')), []);
  assert.equal(encoder.hasOutput(), false);
  const events = [...encoder.push(ev.text('ok')), ...encoder.finish()];
  assert.ok(!typesOf(events).some((type) => type.includes('reasoning')));
  assert.deepEqual(
    terminal(events).output.map((item) => item.type),
    ['message'],
  );
  assert.ok(encoder.usage().outputTokens > 1, 'hidden reasoning still counts in the estimate');
});

test('tool activity is hidden by default', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  assert.deepEqual(encoder.push(ev.tool('t1', 'Read', 'src/main.go')), []);
  assert.equal(encoder.hasOutput(), false);
});

test('tool activity as text: one note line per tool in the message, never a function_call item', () => {
  const events = encodeAll(
    [
      ev.reasoning('plan'),
      ev.tool('t0', 'List', '.'),
      ev.text('Looking.'),
      ev.tool('t1', 'Read', 'src/main.go'),
      ev.tool('t1', 'Read', 'src/main.go', 'completed'),
      ev.tool('t2', 'Run go test ./...', 'go test ./...'),
      ev.text('Done.'),
      ev.finish(),
    ],
    { toolActivity: 'text' },
  );
  const response = terminal(events);
  assert.deepEqual(
    response.output.map((item) => item.type),
    ['reasoning', 'message'],
  );
  assert.equal(
    response.output_text,
    '> [tool] List .\n\nLooking.\n> [tool] Read src/main.go\n\n> [tool] Run go test ./...\n\nDone.',
  );
  assert.doesNotMatch(JSON.stringify(events), /function_call/);
});

test('an empty turn still yields an empty message item and response.completed', () => {
  const events = encodeAll([ev.created(), ev.finish()]);
  assert.deepEqual(typesOf(events), [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  const response = terminal(events);
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, '');
  assert.deepEqual(response.output, [
    {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: '', annotations: [], logprobs: [] }],
    },
  ]);
});

test('a reasoning-only turn ends with the reasoning item and an empty message', () => {
  const response = terminal(encodeAll([ev.reasoning('hmm'), ev.finish()]));
  assert.deepEqual(
    response.output.map((item) => item.type),
    ['reasoning', 'message'],
  );
});

test('fail after output: response.failed with the partial output, error code and usage; then nothing more', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  const first = encoder.push(ev.text('Partial'));
  const failed = encoder.fail(new UpstreamError('the upstream socket closed mid-turn'));
  assert.deepEqual(typesOf(failed), ['response.failed']);
  assert.equal(failed[0]?.sequence_number, (first.at(-1)?.sequence_number ?? -1) + 1);
  const response = terminal(failed);
  assert.equal(response.status, 'failed');
  assert.deepEqual(response.error, { code: 'server_error', message: 'the upstream socket closed mid-turn' });
  assert.equal(response.completed_at, null);
  assert.deepEqual(response.output, [
    {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      status: 'incomplete',
      content: [{ type: 'output_text', text: 'Partial', annotations: [], logprobs: [] }],
    },
  ]);
  assert.equal(response.output_text, 'Partial');
  assert.ok(response.usage !== undefined);
  assert.equal(encoder.isFinished(), true);
  assert.deepEqual(encoder.fail(new UpstreamError('again')), []);
  assert.deepEqual(encoder.finish(), []);
  assert.throws(() => encoder.push(ev.text('late')), InternalError);
  assert.deepEqual(encoder.response(), response);
});

test('fail before any output still opens the response first; a 429 maps to rate_limit_exceeded', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  const events = encoder.fail(new NoCapacityError('every account is busy', 5));
  assert.deepEqual(typesOf(events), ['response.created', 'response.in_progress', 'response.failed']);
  assert.deepEqual(terminal(events).error, { code: 'rate_limit_exceeded', message: 'every account is busy' });
  assert.deepEqual(terminal(events).output, []);
});

test('finish is idempotent and pushing after it is a bug', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  encoder.push(ev.text('a'));
  assert.equal(typesOf(encoder.push(ev.finish())).at(-1), 'response.completed');
  assert.equal(encoder.isFinished(), true);
  assert.deepEqual(encoder.finish(), []);
  assert.throws(() => encoder.push(ev.text('b')), InternalError);
});

test('sequence numbers keep increasing across calls, and emitted events are never mutated later', () => {
  const encoder = createResponsesStreamEncoder(baseOptions());
  const all: ResponseStreamEvent[] = [];
  for (const event of [
    ev.reasoning('r'),
    ev.text('a'),
    ev.text('b'),
    ev.reasoning('s'),
    ev.text('c'),
    ev.finish(),
  ]) {
    all.push(...encoder.push(event));
  }
  assert.deepEqual(
    all.map((event) => event.sequence_number),
    all.map((_, index) => index),
  );
  const snapshot = JSON.stringify(all);
  encoder.response().output.length = 0;
  assert.equal(JSON.stringify(all), snapshot);
  const added = all.find(
    (event) => event.type === 'response.output_item.added' && event.item.type === 'message',
  );
  assert.ok(added?.type === 'response.output_item.added' && added.item.type === 'message');
  assert.deepEqual(added.item.content, []);
});
