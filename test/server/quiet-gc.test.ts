import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullCollection, startQuietGc } from '../../src/server/quiet-gc.js';
import type { Timers } from '../../src/util/timing.js';

/** Timers fired by hand, one check at a time. */
function handTimers(): { timers: Timers; tick(): void } {
  let next: (() => void) | null = null;
  return {
    timers: {
      setTimeout(fn) {
        next = fn;
        return () => {
          next = null;
        };
      },
    },
    tick() {
      const fn = next;
      next = null;
      fn?.();
    },
  };
}

const MB = 2 ** 20;

function watcher() {
  const time = handTimers();
  const state = { open: 0, heap: 20 * MB, collections: 0 };
  const stop = startQuietGc({
    timers: time.timers,
    inFlight: () => state.open,
    rss: () => state.heap,
    collect: () => {
      state.collections += 1;
      state.heap = 21 * MB;
    },
  });
  return { time, state, stop };
}

test('after a burst the heap is collected once the open requests fell to a quarter for two checks', () => {
  const { time, state } = watcher();
  state.open = 256;
  state.heap = 60 * MB;
  time.tick();
  state.open = 60;
  time.tick();
  assert.equal(state.collections, 0, 'one quiet check is not enough');
  time.tick();
  assert.equal(state.collections, 1);
  time.tick();
  time.tick();
  assert.equal(state.collections, 1, 'no second collection without new growth');
});

test('steady load or a heap that barely grew collects nothing; stop ends the checks', () => {
  const { time, state, stop } = watcher();
  state.open = 100;
  state.heap = 80 * MB;
  for (let i = 0; i < 10; i++) time.tick();
  assert.equal(state.collections, 0, 'load near its peak');
  state.open = 0;
  state.heap = 25 * MB;
  const quiet = watcher();
  quiet.state.open = 0;
  quiet.state.heap = 27 * MB;
  for (let i = 0; i < 10; i++) quiet.time.tick();
  assert.equal(quiet.state.collections, 0, 'growth under 8 MiB');
  stop();
  state.heap = 90 * MB;
  for (let i = 0; i < 5; i++) time.tick();
  assert.equal(state.collections, 0);
});

test('fullCollection runs a full GC without --expose-gc on the command line', async () => {
  const ref = new WeakRef({ big: 'x'.repeat(1000) });
  // A WeakRef's target survives until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  fullCollection();
  assert.equal(ref.deref(), undefined);
});
