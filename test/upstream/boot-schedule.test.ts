import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BootSchedule, type PollPlan } from '../../src/upstream/monkeycode/boot-schedule.js';

const OPTIONS = { denseIntervalMs: 100, maxIntervalMs: 1000, history: 20 };

/**
 * Drive one plan against a task that turns ready `bootMs` after `createdAt`, on a clock that only
 * moves when the plan sleeps (each read answers instantly). Returns the read times (ms after create).
 */
function boot(plan: PollPlan, createdAt: number, bootMs: number): number[] {
  let now = createdAt;
  const reads: number[] = [];
  for (let i = 0; i < 1000; i++) {
    now += plan.delayMs(now);
    reads.push(now - createdAt);
    if (now - createdAt >= bootMs) {
      plan.ready(now);
      return reads;
    }
    plan.notReady(now);
  }
  throw new Error('the plan never read the task ready');
}

/** Boot `times` tasks of `bootMs` one after another; the reads of the last one. */
function bootMany(schedule: BootSchedule, bootMs: number, times: number): number[] {
  let reads: number[] = [];
  for (let i = 0; i < times; i++) reads = boot(schedule.begin(i * 100_000), i * 100_000, bootMs);
  return reads;
}

const lagOf = (reads: number[], bootMs: number): number => (reads.at(-1) ?? 0) - bootMs;

test('without history: a read at once, then gaps double from the dense interval up to the ceiling', () => {
  const schedule = new BootSchedule({ ...OPTIONS, history: 0 });
  assert.deepEqual(boot(schedule.begin(0), 0, 6000), [0, 100, 300, 700, 1500, 2500, 3500, 4500, 5500, 6500]);
  assert.equal(schedule.estimate(), null, 'history 0 learns nothing');
});

test('a task ready at once is read once, at once, and the schedule keeps reading at once', () => {
  const schedule = new BootSchedule(OPTIONS);
  assert.deepEqual(bootMany(schedule, 0, 10), [0]);
  assert.deepEqual(schedule.estimate(), { fastMs: 0, typicalMs: 0 });
});

test('a learned 1.5 s boot: sleeps until just before it, reads ≤ 5 times, sees it ≤ 150 ms late', () => {
  const schedule = new BootSchedule(OPTIONS);
  const first = boot(schedule.begin(0), 0, 1500);
  assert.deepEqual(first, [0, 100, 300, 700, 1500]);
  const reads = bootMany(schedule, 1500, 10);
  assert.ok(reads.length <= 5, `reads: ${reads.join(', ')}`);
  assert.ok((reads[0] ?? 0) >= 1000, `first read after most of the boot: ${reads.join(', ')}`);
  assert.ok(lagOf(reads, 1500) <= 150, `lag ${lagOf(reads, 1500)}`);
});

test('a long boot after short ones: after the dense phase, at most one read per maxIntervalMs', () => {
  const schedule = new BootSchedule(OPTIONS);
  bootMany(schedule, 1500, 10);
  const reads = boot(schedule.begin(0), 0, 8000);
  const gaps = reads.slice(1).map((at, i) => at - (reads[i] ?? 0));
  assert.ok(
    gaps.every((gap) => gap <= 1000),
    `gaps: ${gaps.join(', ')}`,
  );
  const late = reads.filter((at) => at >= 3000);
  assert.ok(late.length <= 6, `reads from 3 s to 8 s: ${late.join(', ')}`);
  assert.ok(lagOf(reads, 8000) <= 1000);
});

test('when boots stay long, the schedule learns them and sleeps through', () => {
  const schedule = new BootSchedule(OPTIONS);
  bootMany(schedule, 1500, 20);
  const reads = bootMany(schedule, 8000, 30);
  assert.ok(reads.length <= 5, `reads: ${reads.join(', ')}`);
  assert.ok(lagOf(reads, 8000) <= 150, `lag ${lagOf(reads, 8000)}`);
});

test('when boots get much faster, the fast end follows within a dozen tasks', () => {
  const schedule = new BootSchedule({ ...OPTIONS, history: 4 });
  bootMany(schedule, 4000, 4);
  bootMany(schedule, 300, 14);
  const reads = boot(schedule.begin(0), 0, 300);
  assert.ok(lagOf(reads, 300) <= 150, `reads: ${reads.join(', ')}`);
});

test('the estimate is the 10th percentile and the median of the last `history` boots', () => {
  const schedule = new BootSchedule({ ...OPTIONS, history: 11 });
  for (const ms of [9000, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]) schedule.record(ms);
  // 9000 fell out; 100..1100 remain.
  assert.deepEqual(schedule.estimate(), { fastMs: 200, typicalMs: 600 });
});

test('the dense interval never exceeds the ceiling, and the dense phase has a bounded span', () => {
  const narrow = new BootSchedule({ denseIntervalMs: 100, maxIntervalMs: 10, history: 0 });
  assert.deepEqual(boot(narrow.begin(0), 0, 35), [0, 10, 20, 30, 40]);
  const wide = new BootSchedule({ ...OPTIONS, denseSpanMs: 300 });
  for (const ms of [1000, 1000, 9000, 9000, 9000, 9000, 9000, 9000, 9000, 9000]) wide.record(ms);
  const reads = boot(wide.begin(0), 0, 20_000);
  const dense = reads.slice(1).filter((at, i) => at - (reads[i] ?? 0) === 100);
  assert.ok(dense.length <= 4, `dense reads: ${reads.join(', ')}`);
});

test('a backoff plan reads at once, backs off and teaches the schedule nothing', () => {
  const schedule = new BootSchedule(OPTIONS);
  assert.deepEqual(boot(schedule.backoff(50), 50, 650), [0, 100, 300, 700]);
  assert.equal(schedule.estimate(), null);
});

test('boots that jitter by ±200 ms around 1.5 s: median ≤ 5 reads and ≤ 150 ms late', () => {
  const schedule = new BootSchedule(OPTIONS);
  let seed = 7;
  const jitter = (): number => {
    seed = (seed * 16807) % 2147483647;
    return (seed % 401) - 200;
  };
  const reads: number[] = [];
  const lags: number[] = [];
  for (let i = 0; i < 200; i++) {
    const bootMs = 1500 + jitter();
    const r = boot(schedule.begin(i * 100_000), i * 100_000, bootMs);
    if (i < 20) continue;
    reads.push(r.length);
    lags.push(lagOf(r, bootMs));
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  assert.ok(median(reads) <= 5, `median reads ${median(reads)}`);
  assert.ok(median(lags) <= 150, `median lag ${median(lags)}`);
  assert.ok(Math.max(...reads) <= 10, `max reads ${Math.max(...reads)}`);
});
