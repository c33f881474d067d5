import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingLogins } from '../../src/pool/pending-logins.js';

function map(capacity = 3) {
  let now = 1_000;
  let n = 0;
  const pending = new PendingLogins<string>({
    now: () => now,
    ttlMs: 100,
    capacity,
    newId: () => `id${++n}`,
  });
  return { pending, advance: (ms: number) => void (now += ms) };
}

test('entries expire after the TTL on the injected clock', () => {
  const { pending, advance } = map();
  const entry = pending.add('a');
  assert.deepEqual({ id: entry.id, expiresAt: entry.expiresAt }, { id: 'id1', expiresAt: 1_100 });
  advance(99);
  assert.equal(pending.get('id1')?.value, 'a');
  advance(1);
  assert.equal(pending.get('id1'), null);
  assert.equal(pending.size, 0);
});

test('bounded: the oldest entry makes room; findLatest picks the newest match', () => {
  const { pending } = map(2);
  pending.add('x');
  pending.add('y');
  pending.add('x');
  assert.equal(pending.size, 2);
  assert.equal(pending.get('id1'), null);
  assert.equal(pending.findLatest((v) => v === 'x')?.id, 'id3');
  pending.delete('id3');
  assert.equal(
    pending.findLatest((v) => v === 'x'),
    null,
  );
});
