import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import {
  decodeFrameData,
  encodeClientFrame,
  encodeReplyQuestion,
  encodeUserInput,
  MAX_CLIENT_FRAME_BYTES,
  parseWireFrame,
} from '../../src/upstream/monkeycode/frame-codec.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

test('data decoding: base64 JSON, null, raw object, raw JSON string, plain text, bad base64', () => {
  assert.deepEqual(decodeFrameData(b64('{"a":1,"t":"héllo ✓"}')), {
    form: 'json',
    value: { a: 1, t: 'héllo ✓' },
  });
  assert.deepEqual(decodeFrameData(null), { form: 'none' });
  assert.deepEqual(decodeFrameData(undefined), { form: 'none' });
  assert.deepEqual(decodeFrameData(''), { form: 'none' });
  assert.deepEqual(decodeFrameData({ update: { sessionUpdate: 'x' } }), {
    form: 'json',
    value: { update: { sessionUpdate: 'x' } },
  });
  assert.deepEqual(decodeFrameData('{"details":"boom"}'), { form: 'json', value: { details: 'boom' } });
  assert.deepEqual(decodeFrameData('just some words'), { form: 'text', text: 'just some words' });
  assert.deepEqual(decodeFrameData('!!!notbase64==='), { form: 'text', text: '!!!notbase64===' });
  // Valid base64 alphabet but not UTF-8 once decoded: kept as the original text.
  assert.deepEqual(decodeFrameData('test'), { form: 'text', text: 'test' });
  // base64 of non-JSON UTF-8 (legacy raw text bytes) → that text.
  assert.deepEqual(decodeFrameData(b64('plain reply')), { form: 'text', text: 'plain reply' });
  // The spec's `error` frame: base64 of a JSON string.
  assert.deepEqual(decodeFrameData('Im5vIHZpcnR1YWwgbWFjaGluZSBvciBob3N0IGZvciB0YXNrIg=='), {
    form: 'json',
    value: 'no virtual machine or host for task',
  });
});

test('wire frames from docs/monkeycode-protocol.md §5.4 parse with decoded data', () => {
  const running = parseWireFrame(
    '{"type":"task-running","data":"eyJzZXNzaW9uSWQiOiJzZXNfMSIsInVwZGF0ZSI6eyJzZXNzaW9uVXBkYXRlIjoiYWdlbnRfbWVzc2FnZV9jaHVuayIsImNvbnRlbnQiOnsidHlwZSI6InRleHQiLCJ0ZXh0IjoiSGVsbG8ifX19","kind":"acp_event","seq":7,"timestamp":1752000001200}',
  );
  assert.deepEqual(running, {
    type: 'task-running',
    kind: 'acp_event',
    seq: 7,
    timestamp: 1752000001200,
    data: {
      form: 'json',
      value: {
        sessionId: 'ses_1',
        update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Hello' } },
      },
    },
  });
  assert.deepEqual(parseWireFrame('{"type":"ping","data":null,"kind":"","timestamp":0}'), {
    type: 'ping',
    kind: '',
    seq: null,
    timestamp: 0,
    data: { form: 'none' },
  });
  assert.equal(parseWireFrame('not json'), null);
  assert.equal(parseWireFrame('{"data":"x"}'), null);
  assert.equal(parseWireFrame('[1,2]'), null);
});

test('outbound user-input matches docs/monkeycode-protocol.md §5.3 byte for byte (text base64 inside base64)', () => {
  assert.equal(
    encodeUserInput('hello'),
    '{"type":"user-input","data":"eyJjb250ZW50IjoiYUdWc2JHOD0iLCJhdHRhY2htZW50cyI6W119"}',
  );
  assert.equal(encodeClientFrame('user-cancel'), '{"type":"user-cancel"}');
  assert.equal(encodeClientFrame('auto-approve'), '{"type":"auto-approve"}');
});

test('outbound reply-question matches docs/monkeycode-protocol.md §5.3 and declines with cancelled: true', () => {
  assert.equal(
    encodeReplyQuestion('q1', { 'Which pipeline?': 'full' }),
    '{"type":"reply-question","data":"eyJyZXF1ZXN0X2lkIjoicTEiLCJhbnN3ZXJzX2pzb24iOiJ7XCJXaGljaCBwaXBlbGluZT9cIjpcImZ1bGxcIn0iLCJjYW5jZWxsZWQiOmZhbHNlfQ=="}',
  );
  const declined = parseWireFrame(encodeReplyQuestion('call_9', null));
  assert.deepEqual(declined?.data, {
    form: 'json',
    value: { request_id: 'call_9', answers_json: '{}', cancelled: true },
  });
});

test('user-input over 32 KiB once encoded is refused client-side', () => {
  // Double base64 grows text by ~16/9: ~18 KiB of text is the ceiling (docs/monkeycode-protocol.md §5.1).
  const fits = 'a'.repeat(18_000);
  assert.ok(Buffer.byteLength(encodeUserInput(fits)) <= MAX_CLIENT_FRAME_BYTES);
  assert.throws(
    () => encodeUserInput('a'.repeat(19_000)),
    (err: unknown) => isUpstreamFailure(err) && err.kind === 'input-too-large' && err.retryable === false,
  );
  // Multi-byte text counts in bytes, not characters.
  assert.throws(
    () => encodeUserInput('✓'.repeat(7_000)),
    (err: unknown) => isUpstreamFailure(err) && err.kind === 'input-too-large',
  );
});
