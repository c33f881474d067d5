import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffWindow,
  nextHealth,
  type HealthEvent,
  type HealthView,
} from '../../src/pool/account-health.js';
import { summarizePool } from '../../src/pool/status.js';
import type { UpstreamErrorKind } from '../../src/upstream/errors.js';
import { TIMINGS } from './support.js';

const NOW = 1_000_000;
const view = (over: Partial<HealthView> = {}): HealthView => ({
  kind: 'cookie',
  state: 'active',
  cooldownUntil: null,
  backoffLevel: 0,
  ...over,
});
const fail = (
  kind: UpstreamErrorKind,
  over: Partial<Extract<HealthEvent, { type: 'failure' }>> = {},
): HealthEvent => ({
  type: 'failure',
  kind,
  message: `it failed`,
  model: 'm',
  ...over,
});
const step = (v: HealthView, e: HealthEvent, now = NOW) => nextHealth(v, e, TIMINGS, now);

describe('account health state machine', () => {
  test('success: an elapsed cooling → active; an open cooldown is not cut short; the ladder resets; unverified → active', () => {
    assert.deepEqual(
      step(view({ state: 'cooling', cooldownUntil: NOW, backoffLevel: 3 }), { type: 'success' }),
      {
        patch: { state: 'active', cooldownUntil: null, lastError: null },
        backoffLevel: 0,
        effects: [],
      },
    );
    assert.deepEqual(
      step(view({ state: 'cooling', cooldownUntil: NOW + 5, backoffLevel: 3 }), { type: 'success' }),
      { patch: null, backoffLevel: 0, effects: [] },
    );
    assert.equal(step(view({ state: 'unverified' }), { type: 'success' }).patch?.state, 'active');
    assert.deepEqual(step(view({ backoffLevel: 1 }), { type: 'success' }), {
      patch: null,
      backoffLevel: 0,
      effects: [],
    });
  });

  test('success never revives expired or invalid (those come from definite signals)', () => {
    for (const state of ['expired', 'invalid'] as const)
      assert.equal(step(view({ state }), { type: 'success' }).patch, null);
  });

  test('session-valid (health check): unverified/expired → active; cooling keeps its cooldown; every check is stamped', () => {
    assert.deepEqual(step(view({ state: 'unverified' }), { type: 'session-valid' }).patch, {
      state: 'active',
      lastError: null,
      lastCheckedAt: NOW,
    });
    assert.deepEqual(step(view({ state: 'expired' }), { type: 'session-valid' }).patch, {
      state: 'active',
      lastError: null,
      lastCheckedAt: NOW,
    });
    assert.deepEqual(
      step(view({ state: 'cooling', cooldownUntil: NOW + 9 }), { type: 'session-valid' }).patch,
      { lastCheckedAt: NOW },
    );
  });

  test('request-scoped and verdict-less failures never touch the account', () => {
    for (const kind of [
      'bad-request',
      'input-too-large',
      'not-found',
      'timeout',
      'unknown',
      'task-failed',
      'captcha',
    ] as const) {
      for (const state of ['active', 'cooling', 'unverified'] as const) {
        assert.deepEqual(
          step(view({ state, backoffLevel: 2 }), fail(kind)),
          { patch: null, backoffLevel: 2, effects: [] },
          `${kind} on ${state}`,
        );
      }
    }
  });

  test('model-denied rests only that model on that account', () => {
    assert.deepEqual(step(view(), fail('model-denied')), {
      patch: null,
      backoffLevel: 0,
      effects: [{ type: 'cool-model', model: 'm', until: NOW + TIMINGS.modelCooldownMs }],
    });
    assert.deepEqual(step(view(), fail('model-denied', { model: null })).effects, []);
  });

  test('concurrency (10811): cool briefly and stop strays; an open longer window is kept', () => {
    assert.deepEqual(step(view(), fail('concurrency')), {
      patch: {
        state: 'cooling',
        cooldownUntil: NOW + TIMINGS.concurrencyCooldownMs,
        lastError: 'it failed (concurrency)',
      },
      backoffLevel: 0,
      effects: [{ type: 'stop-strays' }],
    });
    const longer = NOW + 60_000;
    assert.equal(
      step(view({ state: 'cooling', cooldownUntil: longer }), fail('concurrency')).patch?.cooldownUntil,
      longer,
    );
  });

  test('credits: long cooldown', () => {
    assert.deepEqual(step(view(), fail('credits')).patch, {
      state: 'cooling',
      cooldownUntil: NOW + TIMINGS.creditsCooldownMs,
      lastError: 'it failed (credits)',
    });
  });

  test('banned / bad-credentials → invalid from any state; invalid stays invalid', () => {
    for (const kind of ['banned', 'bad-credentials'] as const) {
      for (const state of ['active', 'cooling', 'expired', 'unverified'] as const) {
        assert.equal(step(view({ state }), fail(kind)).patch?.state, 'invalid', `${kind} on ${state}`);
      }
      assert.equal(step(view({ state: 'invalid' }), fail(kind)).patch, null);
    }
  });

  test('session expiry → expired; a password account logs in again, a cookie account waits for an operator', () => {
    assert.deepEqual(step(view({ kind: 'password' }), fail('session-expired')), {
      patch: { state: 'expired', lastError: 'it failed (session-expired)' },
      backoffLevel: 0,
      effects: [{ type: 'relogin' }],
    });
    assert.deepEqual(
      step(view({ kind: 'cookie', state: 'cooling', cooldownUntil: NOW + 1 }), fail('session-expired'))
        .effects,
      [],
    );
    assert.equal(
      step(view({ kind: 'cookie', state: 'cooling' }), fail('session-expired')).patch?.state,
      'expired',
    );
    assert.deepEqual(step(view({ kind: 'password', state: 'expired' }), fail('session-expired')), {
      patch: null,
      backoffLevel: 0,
      effects: [],
    });
    assert.equal(step(view({ kind: 'password', state: 'invalid' }), fail('session-expired')).patch, null);
  });

  test('no-capacity climbs the ladder 1 s, 2 s, 4 s … to the cap; failures inside an open window do not escalate', () => {
    let v = view();
    let t = NOW;
    const windows: number[] = [];
    for (let i = 0; i < 6; i++) {
      const change = step(v, fail('no-capacity'), t);
      const until = change.patch?.cooldownUntil ?? 0;
      windows.push(until - t);
      v = { ...v, state: 'cooling', cooldownUntil: until, backoffLevel: change.backoffLevel };
      // Concurrent failures while the window is open change nothing.
      assert.deepEqual(step(v, fail('no-capacity'), t + 1), {
        patch: null,
        backoffLevel: v.backoffLevel,
        effects: [],
      });
      assert.deepEqual(step(v, fail('unavailable'), until - 1), {
        patch: null,
        backoffLevel: v.backoffLevel,
        effects: [],
      });
      t = until;
    }
    assert.deepEqual(windows, [1000, 2000, 4000, 8000, 8000, 8000]);
    // A success resets the ladder.
    const reset = step(v, { type: 'success' }, t);
    assert.equal(reset.backoffLevel, 0);
    assert.equal(
      step({ ...v, state: 'active', cooldownUntil: null, backoffLevel: 0 }, fail('no-capacity'), t).patch
        ?.cooldownUntil,
      t + 1000,
    );
  });

  test('HTTP 5xx / network: one failure is noise, the second in a row starts the ladder', () => {
    const first = step(view(), fail('unavailable'));
    assert.deepEqual(first, { patch: null, backoffLevel: 1, effects: [] });
    const second = step(view({ backoffLevel: 1 }), fail('network'));
    assert.deepEqual(second.patch, {
      state: 'cooling',
      cooldownUntil: NOW + 1000,
      lastError: 'it failed (network)',
    });
    assert.equal(second.backoffLevel, 2);
    assert.equal(step(view({ backoffLevel: 2 }), fail('protocol')).patch?.cooldownUntil, NOW + 2000);
  });

  test('trouble of a stream that already produced output is not held against the account', () => {
    for (const kind of ['network', 'no-capacity', 'unavailable'] as const) {
      assert.deepEqual(step(view({ backoffLevel: 3 }), fail(kind, { afterOutput: true })), {
        patch: null,
        backoffLevel: 3,
        effects: [],
      });
    }
    assert.equal(step(view(), fail('banned', { afterOutput: true })).patch?.state, 'invalid');
  });

  test('backoffWindow doubles from the base and stops at the cap', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 50].map((n) => backoffWindow(n, TIMINGS)),
      [1000, 2000, 4000, 8000, 8000, 8000],
    );
  });

  test('derived states: locked when every slot is busy, disabled when switched off, cooling only until its time', () => {
    const base = {
      label: 'a',
      kind: 'cookie' as const,
      maxConcurrency: null,
      lastError: null,
      lastCheckedAt: null,
    };
    const status = summarizePool(
      [
        { ...base, id: 1, state: 'active', enabled: true, cooldownUntil: null },
        { ...base, id: 2, state: 'active', enabled: true, cooldownUntil: null, maxConcurrency: 2 },
        { ...base, id: 3, state: 'cooling', enabled: false, cooldownUntil: NOW + 5 },
        { ...base, id: 4, state: 'cooling', enabled: true, cooldownUntil: NOW + 5 },
        { ...base, id: 5, state: 'cooling', enabled: true, cooldownUntil: NOW - 5 },
      ],
      new Map([
        [1, 1],
        [2, 1],
      ]),
      1,
      NOW,
    );
    assert.deepEqual(
      status.accounts.map((a) => a.status),
      ['locked', 'active', 'disabled', 'cooling', 'active'],
    );
  });
});
