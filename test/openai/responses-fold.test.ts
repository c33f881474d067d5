import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Response as SdkResponse } from 'openai/resources/responses/responses';
import { foldResponse, foldResponseEvents } from '../../src/openai/responses-fold.js';
import type { ResponsesEncoderOptions } from '../../src/openai/responses-stream-encoder.js';
import { upstreamFailure } from '../../src/upstream/errors.js';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { UpstreamError } from '../../src/util/errors.js';
import { baseOptions, encodeAll } from './responses-support.js';
import { ev } from './support.js';

const turn: UpstreamEvent[] = [
  ev.created(),
  ev.ready(),
  ev.reasoning('Reading the file.'),
  ev.tool('t1', 'Read', 'main.go'),
  ev.text('It prints '),
  ev.text('hello.'),
  ev.usage(40, 9),
  ev.finish(),
];

test('the fold equals the final response a streaming client ends up with', () => {
  const variants: Array<Partial<ResponsesEncoderOptions>> = [
    {},
    { toolActivity: 'text' },
    { reasoning: 'hide' },
  ];
  for (const options of variants) {
    const folded = foldResponse(turn, baseOptions(options));
    const streamed = foldResponseEvents(encodeAll(turn, options));
    assert.deepEqual(folded.response, streamed);
  }
});

test('the folded response type-checks as the SDK Response and carries the usage to record', () => {
  const { response, usage } = foldResponse(turn, baseOptions());
  const sdk: SdkResponse = response;
  assert.equal(sdk.object, 'response');
  assert.equal(sdk.status, 'completed');
  assert.equal(sdk.output_text, 'It prints hello.');
  assert.deepEqual(
    sdk.output.map((item) => item.type),
    ['reasoning', 'message'],
  );
  assert.deepEqual(usage, { inputTokens: 40, outputTokens: 9, totalTokens: 49, estimated: false });
  assert.equal(sdk.usage?.total_tokens, 49);
});

test('an empty turn folds to a completed response with one empty message', () => {
  const { response } = foldResponse([ev.created(), ev.finish()], baseOptions());
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, '');
  assert.equal(response.output.length, 1);
});

test('an upstream error throws that error; a turn without finish is an UpstreamError', () => {
  const failure = upstreamFailure('rate-limited', 'too many tasks');
  const error: UpstreamEvent = {
    type: 'error',
    error: failure,
    kind: 'rate-limited',
    retryable: true,
    taskId: 't1',
  };
  assert.throws(
    () => foldResponse([ev.text('partial'), error], baseOptions()),
    (err) => err === failure,
  );
  assert.throws(() => foldResponse([ev.text('partial')], baseOptions()), UpstreamError);
});

test('events after finish are ignored by the fold', () => {
  const { response } = foldResponse([ev.text('a'), ev.finish(), ev.text('b')], baseOptions());
  assert.equal(response.output_text, 'a');
});

test('foldResponseEvents needs a terminal event', () => {
  assert.throws(() => foldResponseEvents(encodeAll([ev.text('a')])), UpstreamError);
});
