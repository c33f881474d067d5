import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyTally, tallyText } from '../../src/util/token-estimate.js';
import { fuzzRuns } from '../fuzz/fuzz-runs.js';

// The tally counts code points, as iterating the string does (a lone surrogate is one).
function byCodePoint(text: string): { ascii: number; other: number } {
  const tally = { ascii: 0, other: 0 };
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) tally.ascii += 1;
    else tally.other += 1;
  }
  return tally;
}

test('tallyText counts ASCII and other code points, surrogate pairs once and lone surrogates once', () => {
  assert.deepEqual(tallyText(emptyTally(), 'ab中😀\ud800x\udc00'), { ascii: 3, other: 4 });
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      const tally = tallyText(tallyText(emptyTally(), a), b);
      const expected = byCodePoint(a + b);
      // a + b may pair a trailing high surrogate of `a` with a leading low one of `b`: counted apart here.
      const joined = byCodePoint(a).other + byCodePoint(b).other;
      assert.equal(tally.ascii, expected.ascii);
      assert.equal(tally.other, joined);
    }),
    fuzzRuns(300),
  );
});
