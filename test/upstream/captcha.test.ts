import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import { systemTimers } from '../../src/util/timing.js';
import {
  type CaptchaChallenge,
  deriveSubChallenges,
  fnv1a32,
  isSolution,
  prng,
  xorshift32,
} from '../../src/upstream/monkeycode/captcha/pow.js';
import { solveCaptcha } from '../../src/upstream/monkeycode/captcha/solve-captcha.js';

// docs/captcha-pow.md §5: the worked example.
const TOKEN = '3f9c2a7e1b5d4c60a8e2f71b9';
const CHALLENGE: CaptchaChallenge = { token: TOKEN, count: 50, saltLength: 32, difficulty: 3 };
const SOLUTIONS = [
  13570, 892, 144, 2789, 29, 4546, 2020, 11314, 6702, 345, 1825, 951, 2545, 2036, 3352, 10405, 5876, 2975,
  161, 179, 7324, 10019, 6091, 1139, 195, 1471, 868, 3042, 7865, 2388, 4890, 555, 1270, 3418, 8308, 6539, 688,
  4284, 909, 6906, 7981, 1350, 656, 1740, 163, 11047, 2558, 2448, 1782, 7228,
];

test('PRNG: FNV-1a seed, xorshift steps, salts and targets of the worked example', () => {
  assert.equal(fnv1a32(`${TOKEN}1`), 0xac410608);
  assert.equal(xorshift32(0xac410608), 0x1c884948);
  assert.equal(fnv1a32(`${TOKEN}1d`), 0x965d1c04);
  assert.equal(prng(`${TOKEN}1`, 32), '1c884948a189309874d419f50ab28200');
  assert.equal(prng(`${TOKEN}1d`, 3), '8e6');
  const subs = deriveSubChallenges(CHALLENGE);
  assert.equal(subs.length, 50);
  assert.deepEqual(subs[0], { salt: '1c884948a189309874d419f50ab28200', target: '8e6' });
  assert.deepEqual(subs[1], { salt: '4d34d46d209ae991c8b61fe5621df240', target: 'fad' });
  assert.ok(
    createHash('sha256').update('1c884948a189309874d419f50ab2820013570').digest('hex').startsWith('8e6a1fe7'),
  );
});

test('worker solver finds the smallest nonces of the worked example', async () => {
  const solutions = await solveCaptcha(CHALLENGE, {
    timers: systemTimers,
    budgetMs: 20_000,
    strategy: 'worker',
  });
  assert.deepEqual(solutions, SOLUTIONS);
});

test('time-sliced solver agrees and keeps the event loop turning', async () => {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    const solutions = await solveCaptcha(CHALLENGE, {
      timers: systemTimers,
      budgetMs: 20_000,
      strategy: 'slices',
    });
    assert.deepEqual(solutions, SOLUTIONS);
  } finally {
    clearInterval(ticker);
  }
  assert.ok(ticks > 0, 'timers ran while solving');
});

test('the list verifies, and changing any entry by one breaks it', () => {
  const subs = deriveSubChallenges(CHALLENGE);
  subs.forEach((sub, i) => assert.ok(isSolution(sub, SOLUTIONS[i]!)));
  assert.ok(!isSolution(subs[0]!, 13571));
});

test('budget and abort end the search', async () => {
  const hard: CaptchaChallenge = {
    token: 'ffffffffffffffffffffffff0',
    count: 50,
    saltLength: 32,
    difficulty: 8,
  };
  for (const strategy of ['worker', 'slices'] as const) {
    await assert.rejects(
      solveCaptcha(hard, { timers: systemTimers, budgetMs: 50, strategy }),
      (err: unknown) => isUpstreamFailure(err) && err.kind === 'timeout',
    );
    const controller = new AbortController();
    const solving = solveCaptcha(hard, {
      timers: systemTimers,
      budgetMs: 20_000,
      strategy,
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    await assert.rejects(solving, /stop/);
  }
  await assert.rejects(
    solveCaptcha({ ...hard, difficulty: 40 }, { timers: systemTimers, budgetMs: 50 }),
    (err: unknown) => isUpstreamFailure(err) && err.kind === 'captcha',
  );
});
