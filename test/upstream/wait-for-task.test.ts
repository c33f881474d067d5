import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamFailure } from '../../src/upstream/errors.js';
import { BootSchedule } from '../../src/upstream/monkeycode/boot-schedule.js';
import type { MonkeyCodeTask } from '../../src/upstream/monkeycode/tasks.js';
import { isProcessing, waitForTask } from '../../src/upstream/monkeycode/wait-for-task.js';
import type { Clock, Timers } from '../../src/util/timing.js';

/** Manual time driven by the test: `run` fires the earliest timer whenever the code under test waits. */
function manualTime(): { clock: Clock; timers: Timers; run<T>(work: Promise<T>): Promise<T> } {
  let now = 0;
  const pending: { at: number; fn: () => void; live: boolean }[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn, live: true };
      pending.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  return {
    clock: { now: () => now },
    timers,
    async run(work) {
      let settled = false;
      const done = work.finally(() => {
        settled = true;
      });
      for (;;) {
        // Let the code under test run until it waits on a timer (or finishes).
        for (let i = 0; i < 20; i++) await Promise.resolve();
        if (settled) return done;
        const live = pending.filter((t) => t.live).sort((a, b) => a.at - b.at);
        // The deadline timer stays armed; the earliest other timer is the next poll.
        const next = live[0];
        if (next === undefined) throw new Error('nothing to wait for');
        next.live = false;
        now = Math.max(now, next.at);
        next.fn();
      }
    },
  };
}

const task = (status: string): MonkeyCodeTask => ({
  id: 't',
  status,
  vmStatus: null,
  vmFailed: false,
  createdAt: null,
  stats: null,
});

/** Wait for a task that turns `processing` at `bootMs`; returns the read times. */
async function waitForBoot(schedule: BootSchedule, bootMs: number, origin = 0): Promise<number[]> {
  const time = manualTime();
  const reads: number[] = [];
  // Start this wait at `origin` (the manual clock starts at 0).
  const clock = { now: () => time.clock.now() + origin };
  const readTask = (): Promise<MonkeyCodeTask> => {
    reads.push(time.clock.now());
    return Promise.resolve(task(time.clock.now() >= bootMs ? 'processing' : 'pending'));
  };
  const plan = schedule.begin(origin);
  await time.run(
    waitForTask(readTask, isProcessing, 'task', { timers: time.timers, clock, timeoutMs: 60_000, plan }),
  );
  return reads;
}

test('waitForTask reads when the plan says and teaches the schedule the boot', async () => {
  const schedule = new BootSchedule({ denseIntervalMs: 100, maxIntervalMs: 1000, history: 20 });
  assert.deepEqual(await waitForBoot(schedule, 1500), [0, 100, 300, 700, 1500]);
  for (let i = 0; i < 5; i++) await waitForBoot(schedule, 1500, (i + 1) * 100_000);
  const reads = await waitForBoot(schedule, 1500, 900_000);
  assert.ok(reads.length <= 3 && (reads[0] ?? 0) >= 1300, `reads: ${reads.join(', ')}`);
  assert.ok((reads.at(-1) ?? 0) - 1500 <= 150);
});

test('a task ready at once is read once, with no timer before the read', async () => {
  const time = manualTime();
  let armed = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      armed += 1;
      return time.timers.setTimeout(fn, ms);
    },
  };
  const plan = new BootSchedule({ denseIntervalMs: 100, maxIntervalMs: 1000, history: 20 }).begin(0);
  const found = await waitForTask(() => Promise.resolve(task('processing')), isProcessing, 'task', {
    timers,
    clock: time.clock,
    timeoutMs: 1000,
    plan,
  });
  assert.equal(found.status, 'processing');
  assert.equal(armed, 1, 'only the deadline timer');
});

test('a failed task ends the wait with task-failed, a transient read failure does not', async () => {
  const time = manualTime();
  const plan = new BootSchedule({ denseIntervalMs: 100, maxIntervalMs: 1000, history: 0 }).begin(0);
  const answers = [
    () => Promise.reject(new UpstreamFailure('network', 'reset')),
    () => Promise.resolve(task('pending')),
    () => Promise.resolve(task('error')),
  ];
  let n = 0;
  const readTask = (): Promise<MonkeyCodeTask> => (answers[n++] ?? answers[2])!();
  const wait = waitForTask(readTask, isProcessing, 'task', {
    timers: time.timers,
    clock: time.clock,
    timeoutMs: 60_000,
    plan,
  });
  await assert.rejects(time.run(wait), (err) => err instanceof UpstreamFailure && err.kind === 'task-failed');
  assert.equal(n, 3);
});

test('an abandoned wait reads no more once its pending read is answered', async () => {
  const time = manualTime();
  const plan = new BootSchedule({ denseIntervalMs: 100, maxIntervalMs: 1000, history: 0 }).begin(0);
  let reads = 0;
  let abandoned = false;
  const wait = waitForTask(
    () => {
      reads += 1;
      return Promise.resolve(task('pending'));
    },
    isProcessing,
    'task',
    { timers: time.timers, clock: time.clock, timeoutMs: 60_000, plan, abandoned: () => abandoned },
  );
  assert.equal(reads, 1, 'a read due at once goes out when the wait starts');
  abandoned = true;
  await assert.rejects(time.run(wait), /wait abandoned/);
  assert.equal(reads, 1);
});
