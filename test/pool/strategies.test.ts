import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickCandidate, type SlotCandidate } from '../../src/pool/selection.js';

const c = (accountId: number, inFlight: number, max: number, lastLeased = 0): SlotCandidate => ({
  accountId,
  inFlight,
  max,
  lastLeased,
});

test('least-busy: lowest share of slots in use, then the account leased longest ago, then the lowest id', () => {
  assert.equal(pickCandidate('least-busy', [c(1, 1, 2), c(2, 0, 1), c(3, 1, 4)], null).accountId, 2);
  assert.equal(pickCandidate('least-busy', [c(1, 1, 2), c(2, 2, 4)], null).accountId, 1);
  assert.equal(pickCandidate('least-busy', [c(1, 0, 1, 7), c(2, 0, 1, 3), c(3, 0, 1, 5)], null).accountId, 2);
  assert.equal(pickCandidate('least-busy', [c(3, 0, 1), c(2, 0, 1)], null).accountId, 2);
});

test('round-robin: the next id after the previous pick, wrapping around', () => {
  const all = [c(4, 0, 1), c(1, 0, 1), c(7, 0, 1)];
  assert.equal(pickCandidate('round-robin', all, null).accountId, 1);
  assert.equal(pickCandidate('round-robin', all, 1).accountId, 4);
  assert.equal(pickCandidate('round-robin', all, 4).accountId, 7);
  assert.equal(pickCandidate('round-robin', all, 7).accountId, 1);
  assert.equal(pickCandidate('round-robin', all, 5).accountId, 7);
});

test('fill-first: the lowest id with a free slot, however busy', () => {
  assert.equal(pickCandidate('fill-first', [c(2, 0, 3), c(1, 2, 3)], null).accountId, 1);
});

test('an empty candidate list is a programming error', () => {
  assert.throws(() => pickCandidate('least-busy', [], null));
});
