import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue, QueueOverflowError } from '../../src/util/async-queue.js';
import { IdleTimer } from '../../src/util/idle-timer.js';
import type { Clock, Timers } from '../../src/util/timing.js';

test('queue delivers in order, to a waiting consumer too, then done after close', async () => {
  const queue = new BoundedQueue<number>(4);
  const waiting = queue.next();
  queue.push(1);
  queue.push(2);
  queue.push(3);
  queue.close();
  assert.deepEqual(await waiting, { value: 1, done: false });
  assert.deepEqual(await queue.next(), { value: 2, done: false });
  assert.deepEqual(await queue.next(), { value: 3, done: false });
  assert.deepEqual(await queue.next(), { value: undefined, done: true });
  assert.equal(queue.push(4), false);
});

test('queue fails on overflow instead of growing, and on fail()', async () => {
  const queue = new BoundedQueue<number>(2);
  assert.equal(queue.push(1), true);
  assert.equal(queue.push(2), true);
  assert.equal(queue.push(3), false);
  await assert.rejects(queue.next(), QueueOverflowError);
  const failing = new BoundedQueue<number>(2);
  const pending = failing.next();
  failing.fail(new Error('boom'));
  await assert.rejects(pending, /boom/);
});

/** Manual time: `advance` fires due timers in order. */
function manualTime(): { clock: Clock; timers: Timers; advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    clock: { now: () => now },
    timers: {
      setTimeout(fn, ms) {
        const timer = { at: now + ms, fn, live: true };
        timers.push(timer);
        return () => {
          timer.live = false;
        };
      },
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        due.live = false;
        due.fn();
      }
      now = end;
      timers = timers.filter((t) => t.live);
    },
  };
}

test('idle timer fires only after a full quiet period and re-arms on touch', () => {
  const time = manualTime();
  let fired = 0;
  const timer = new IdleTimer(time.timers, time.clock, 100, () => fired++);
  time.advance(60);
  timer.touch();
  time.advance(60);
  assert.equal(fired, 0);
  time.advance(40);
  assert.equal(fired, 1);
  time.advance(500);
  assert.equal(fired, 1);
  const stopped = new IdleTimer(time.timers, time.clock, 10, () => fired++);
  stopped.stop();
  time.advance(100);
  assert.equal(fired, 1);
});
