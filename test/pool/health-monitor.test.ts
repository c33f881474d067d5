import { asyncSqliteStore } from '../../src/store/async-store.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HealthMonitor } from '../../src/pool/health-monitor.js';
import { captureLogger } from '../support/log-capture.js';
import { addAccount, flush, manualTime, MODEL, ScriptedAdapter, tempStore, testPool } from './support.js';

const never = new AbortController().signal;

function monitor(t: Parameters<typeof tempStore>[0], options: { reloginBeforeExpiryMs?: number } = {}) {
  const time = manualTime();
  const { store } = tempStore(t, time.now);
  const adapter = new ScriptedAdapter();
  const { pool, relogins } = testPool(store, time);
  const health = new HealthMonitor({
    store: asyncSqliteStore(store),
    adapter,
    pool,
    logger: captureLogger('silent').logger,
    clock: { now: time.now },
    timers: time.timers,
    random: () => 0.25,
    intervalMs: 60_000,
    reloginBeforeExpiryMs: options.reloginBeforeExpiryMs ?? 86_400_000,
  });
  return { time, store, adapter, pool, relogins, health };
}

describe('periodic health check', () => {
  test('a valid session stamps the check and revives unverified/expired; a dead one expires; a blocked user is invalid', async (t) => {
    const { store, adapter, health, time } = monitor(t);
    const ok = addAccount(store, { label: 'ok', state: 'unverified' });
    const dead = addAccount(store, { label: 'dead' });
    const blocked = addAccount(store, { label: 'blocked' });
    adapter.dead.add('cookie-dead');
    adapter.blocked.add('cookie-blocked');
    await health.checkAll();
    assert.equal(store.accounts.get(ok.id)?.state, 'active');
    assert.equal(store.accounts.get(ok.id)?.lastCheckedAt, time.now());
    assert.equal(store.accounts.get(dead.id)?.state, 'expired');
    assert.equal(store.accounts.get(blocked.id)?.state, 'invalid');
  });

  test('busy, disabled, invalid and expired cookie accounts are not touched', async (t) => {
    const { store, adapter, health, pool } = monitor(t);
    addAccount(store, { label: 'busy' });
    const disabled = addAccount(store, { label: 'off', models: ['x'] });
    store.accounts.update(disabled.id, { enabled: false });
    addAccount(store, { label: 'bad', state: 'invalid', models: ['x'] });
    addAccount(store, { label: 'gone', state: 'expired', models: ['x'] });
    await pool.acquire(MODEL, never);
    await health.checkAll();
    assert.deepEqual(adapter.validated, []);
  });

  test('password accounts log in again when expired, and proactively before the session ends', async (t) => {
    const { store, health, relogins, time } = monitor(t, { reloginBeforeExpiryMs: 3_600_000 });
    const expired = addAccount(store, { label: 'e', kind: 'password', state: 'expired' });
    const ending = addAccount(store, { label: 'soon', kind: 'password' });
    store.accounts.setCookie(ending.id, 'cookie-soon', { expiresAt: time.now() + 3_000_000 });
    const later = addAccount(store, { label: 'later', kind: 'password' });
    store.accounts.setCookie(later.id, 'cookie-later', { expiresAt: time.now() + 7_200_000 });
    await health.checkAll();
    assert.deepEqual(relogins, [expired.id, ending.id]);
  });

  test('rounds repeat every interval, jittered by ±10 %, and stop cleanly', async (t) => {
    const { store, adapter, health, time } = monitor(t);
    addAccount(store, { label: 'a' });
    health.start();
    await flush();
    assert.equal(adapter.validated.length, 1);
    // random() = 0.25 → 0.9 + 0.2 × 0.25 = 0.95 of the interval.
    assert.deepEqual(time.scheduled.slice(-1), [57_000]);
    time.advance(56_999);
    await flush();
    assert.equal(adapter.validated.length, 1);
    time.advance(1);
    await flush();
    assert.equal(adapter.validated.length, 2);
    await health.stop();
    time.advance(120_000);
    await flush();
    assert.equal(adapter.validated.length, 2);
    assert.equal(time.pending(), 0);
  });
});
