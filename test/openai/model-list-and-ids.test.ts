import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Model } from 'openai/resources/models';
import { createChatCompletionIds, createIdGenerator, pooledRandomBytes } from '../../src/openai/ids.js';
import { encodeModelList } from '../../src/openai/model-list.js';

test('model list in OpenAI shape, assignable to the SDK Model', () => {
  const list = encodeModelList(
    [
      { id: 'monkeycode/qwen3.5-plus', ownedBy: 'monkeycode', created: 1_752_000_000 },
      { id: 'fast', ownedBy: 'relaypool' },
    ],
    1_700_000_000,
  );
  const models: Model[] = list.data;
  assert.deepEqual(list, {
    object: 'list',
    data: [
      { id: 'monkeycode/qwen3.5-plus', object: 'model', created: 1_752_000_000, owned_by: 'monkeycode' },
      { id: 'fast', object: 'model', created: 1_700_000_000, owned_by: 'relaypool' },
    ],
  });
  assert.equal(models.length, 2);
  assert.deepEqual(encodeModelList([]), { object: 'list', data: [] });
});

test('chat completion ids look like OpenAI ids and are injectable', () => {
  const next = createChatCompletionIds((size) => new Uint8Array(size).fill(0));
  assert.equal(next(), `chatcmpl-${'A'.repeat(29)}`);
  const counter = createIdGenerator('resp_', 4, (size) =>
    Uint8Array.from({ length: size }, (_, i) => 61 - i),
  );
  assert.equal(counter(), 'resp_9876');
  const real = createChatCompletionIds();
  assert.match(real(), /^chatcmpl-[A-Za-z0-9]{29}$/);
  assert.notEqual(real(), real());
});

test('pooled random bytes hand out each byte once and as many as asked for', () => {
  const random = pooledRandomBytes(64);
  const slices = Array.from({ length: 10 }, () => random(29));
  assert.ok(slices.every((bytes) => bytes.length === 29));
  // 2 slices fit in a pool of 64: the next one comes from a fresh pool, never from the same bytes.
  for (const [i, bytes] of slices.entries()) {
    const pair = slices[i ^ 1];
    if (pair !== undefined && pair !== bytes) assert.equal(pair.buffer, bytes.buffer);
    const later = slices[i + 2];
    if (later !== undefined) assert.notEqual(later.buffer, bytes.buffer);
  }
  assert.equal(random(100).length, 100);
  const ids = createIdGenerator('x-', 29, pooledRandomBytes());
  assert.equal(new Set(Array.from({ length: 500 }, ids)).size, 500);
});
