import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import { mapAcpNotification } from '../../src/upstream/monkeycode/acp-events.js';
import { parseEnvelope } from '../../src/upstream/monkeycode/envelope.js';
import { decodeBase64Utf8 } from '../../src/upstream/monkeycode/frame-codec.js';

// The envelope and the ACP chunks are checked by hand on the hot path; these pin the edges the
// schemas they replaced drew.

const answer = (body: unknown, status = 200) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isUpstreamFailure(err));
    return err.kind;
  }
  return 'none';
}

test('envelope: anything but an object with a numeric code and string (or absent) messages is a protocol error', () => {
  for (const body of [
    [],
    [{ code: 0 }],
    'text',
    42,
    null,
    { code: '0' },
    { code: 0, message: null },
    { code: 0, msg: 7 },
    { message: 'ok' },
  ]) {
    assert.equal(
      kindOf(() => parseEnvelope(answer(body), z.unknown(), 'x')),
      'protocol',
      JSON.stringify(body),
    );
  }
  assert.deepEqual(
    parseEnvelope(
      answer({ code: 0, message: 'ok', msg: 'ok', extra: 1, data: [1] }),
      z.array(z.number()),
      'x',
    ),
    [1],
  );
});

test('envelope: a non-2xx answer uses the envelope code only when the envelope is well formed', () => {
  assert.equal(
    kindOf(() => parseEnvelope(answer({ code: 10811, message: 'busy' }, 400), z.unknown(), 'x')),
    'concurrency',
  );
  assert.equal(
    kindOf(() => parseEnvelope(answer({ code: 10811, message: null }, 400), z.unknown(), 'x')),
    'bad-request',
  );
  assert.equal(
    kindOf(() => parseEnvelope(answer({ code: 0 }, 503), z.unknown(), 'x')),
    'unavailable',
  );
});

test('ACP chunks: only a non-empty text block of an object update becomes an event', () => {
  const chunk = (content: unknown) =>
    mapAcpNotification({ update: { sessionUpdate: 'agent_message_chunk', content } }).events;
  assert.deepEqual(chunk({ type: 'text', text: 'hi', annotations: {} }), [{ type: 'text', text: 'hi' }]);
  for (const content of [
    { type: 'text', text: '' },
    { type: 'text' },
    { type: 'text', text: 5 },
    { text: 'no type' },
    [{ type: 'text', text: 'x' }],
    'text',
    null,
  ]) {
    assert.deepEqual(chunk(content), [], JSON.stringify(content));
  }
  for (const payload of [
    null,
    [],
    'x',
    { update: [] },
    { update: null },
    { update: { sessionUpdate: 1 } },
    { update: { content: { type: 'text', text: 'x' } } },
  ]) {
    assert.deepEqual(mapAcpNotification(payload), { events: [], questionId: null }, JSON.stringify(payload));
  }
  assert.deepEqual(
    mapAcpNotification({
      update: { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hm' } },
    }).events,
    [{ type: 'reasoning', text: 'hm' }],
  );
});

// The rule the frame decoder used to spell out as a regex (docs/monkeycode-protocol.md §5.2: standard, padded base64).
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

test('base64 frame data: accepted exactly when it is strict padded base64 of UTF-8', () => {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const reference = (text: string): string | null => {
    if (!STRICT_BASE64.test(text)) return null;
    try {
      return utf8.decode(Buffer.from(text, 'base64'));
    } catch {
      return null;
    }
  };
  const alphabet = 'AQab09+/=-_ \n\u00e9"{}:';
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const samples = [
    '',
    'QQ==',
    'QUI=',
    'QUJD',
    'QR==',
    'QQ==QQ==',
    'Q===',
    'QUJ-',
    'QUJ_',
    'QU JD',
    '"hi"',
    '/w==',
    Buffer.from('héllo').toString('base64'),
  ];
  for (let i = 0; i < 20_000; i++)
    samples.push(Array.from({ length: random(13) }, () => alphabet[random(alphabet.length)]).join(''));
  for (const text of samples) assert.equal(decodeBase64Utf8(text), reference(text), JSON.stringify(text));
});
