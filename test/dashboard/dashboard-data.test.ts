import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildModelRows,
  buildPoolView,
  buildTrafficData,
  type DashboardSources,
} from '../../src/dashboard/dashboard-data.js';
import { TrafficLog } from '../../src/dashboard/traffic-log.js';
import type { AccountReportRow, PoolReport } from '../../src/pool/pool-report.js';
import type { Account, CachedModel, UsageBucket } from '../../src/store/index.js';

const NOW = 1_000 * 3_600_000 + 30 * 60_000; // half past an hour
const HOUR = 3_600_000;

function account(id: number, label: string, extra: Partial<Account> = {}): Account {
  return {
    id,
    label,
    kind: 'cookie',
    email: null,
    enabled: true,
    state: 'active',
    status: 'active',
    hasPassword: false,
    hasCookie: true,
    cookieObtainedAt: NOW - 90 * 60_000,
    cookieExpiresAt: null,
    maxConcurrency: null,
    cooldownUntil: null,
    lastError: null,
    lastCheckedAt: null,
    upstreamUserId: null,
    upstreamUserName: null,
    plan: 'pro',
    createdAt: 0,
    updatedAt: 0,
    upstream: 'monkeycode',
    ...extra,
  };
}

function row(id: number, label: string, extra: Partial<AccountReportRow> = {}): AccountReportRow {
  return {
    id,
    label,
    kind: 'cookie',
    status: 'active',
    inFlight: 0,
    idleTasks: 0,
    elsewhere: 0,
    maxConcurrency: 2,
    cooldownUntil: null,
    lastError: null,
    lastCheckedAt: null,
    plan: 'pro',
    cookieExpiresAt: null,
    modelCooldowns: [],
    upstream: 'monkeycode',
    ...extra,
  };
}

const model = (accountId: number, name: string): CachedModel => ({
  accountId,
  name,
  upstreamId: `${name}-id`,
  remark: '',
  accessLevel: null,
  isFree: false,
  interfaceType: 'openai',
  contextLimit: null,
  outputLimit: null,
  thinkingEnabled: false,
  weight: 0,
  isDefault: false,
  fetchedAt: 0,
});

function sources(buckets: UsageBucket[] = []): DashboardSources {
  const rows = [
    row(1, 'a', { inFlight: 1, idleTasks: 1 }),
    row(2, 'b', {
      status: 'cooling',
      cooldownUntil: NOW + 133_000,
      lastError: 'rate limited (10811)',
      modelCooldowns: [{ model: 'm2', until: NOW + 60_000 }],
    }),
    row(3, 'c', { status: 'disabled' }),
  ];
  const report: PoolReport = {
    mode: 'pool',
    total: 3,
    active: 1,
    expired: 0,
    invalid: 0,
    locked: 0,
    cooling: 1,
    disabled: 1,
    unverified: 0,
    inFlight: 1,
    idleTasks: 1,
    elsewhere: 0,
    queued: 2,
    accounts: rows,
    upstreams: {},
  };
  const totals = {
    requests: 0,
    succeeded: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    estimatedRequests: 0,
  };
  return {
    poolReport: () => report,
    listAccounts: () => [
      account(1, 'a'),
      account(2, 'b', { cookieObtainedAt: null }),
      account(3, 'c', { enabled: false }),
    ],
    usageSince: async (since) => {
      assert.equal(since, NOW - HOUR, 'the last hour');
      return { overall: totals, byAccount: [{ ...totals, accountId: 1, requests: 5, succeeded: 3 }] };
    },
    usageByModel: () => buckets,
    usageByClientKey: () => [
      { at: NOW - (NOW % HOUR), key: 'abcdef0123456789', requests: 1, totalTokens: 7 },
      { at: NOW - (NOW % HOUR), key: null, requests: 1, totalTokens: 3 },
    ],
    catalog: () => [
      { id: 'm1', upstreamName: 'm1', ownedBy: 'monkeycode' },
      { id: 'm2', upstreamName: 'm2', ownedBy: 'monkeycode' },
      { id: 'fast', upstreamName: 'm1', ownedBy: 'relaypool' },
    ],
    accountModels: () => [model(2, 'm1'), model(1, 'm1'), model(1, 'm2')],
  };
}

test('pool view: state with its reason and the cooldown left, slots, the last hour, session age', async () => {
  const view = await buildPoolView(sources(), NOW);
  assert.equal(view.totals.queued, 2);
  assert.ok(!('accounts' in view.totals));
  const [a, b, c] = view.rows;
  assert.deepEqual(
    {
      reason: a?.reason,
      slots: [a?.inFlight, a?.idleTasks, a?.limit],
      hour: [a?.requestsLastHour, a?.errorsLastHour],
      age: a?.sessionAgeMs,
    },
    { reason: null, slots: [1, 1, 2], hour: [5, 2], age: 90 * 60_000 },
  );
  assert.deepEqual(
    {
      reason: b?.reason,
      left: b?.cooldownRemainingMs,
      resting: b?.restingModels,
      hour: b?.requestsLastHour,
      age: b?.sessionAgeMs,
    },
    {
      reason: 'rate limited (10811)',
      left: 133_000,
      resting: [{ model: 'm2', remainingMs: 60_000 }],
      hour: 0,
      age: null,
    },
  );
  assert.deepEqual([c?.enabled, c?.reason], [false, 'switched off by an operator']);
});

test('models view: every served model and alias with the accounts that allow it', async () => {
  assert.deepEqual(await buildModelRows(sources()), [
    {
      id: 'm1',
      upstreamName: 'm1',
      alias: false,
      accounts: [
        { id: 1, label: 'a' },
        { id: 2, label: 'b' },
      ],
    },
    { id: 'm2', upstreamName: 'm2', alias: false, accounts: [{ id: 1, label: 'a' }] },
    {
      id: 'fast',
      upstreamName: 'm1',
      alias: true,
      accounts: [
        { id: 1, label: 'a' },
        { id: 2, label: 'b' },
      ],
    },
  ]);
});

test('traffic data: 24 hourly token buckets per model (top six, the rest as other) and per client key', async () => {
  const hour = NOW - (NOW % HOUR);
  const buckets: UsageBucket[] = [];
  for (let i = 0; i < 8; i++)
    buckets.push({ at: hour - HOUR, key: `model-${i}`, requests: 1, totalTokens: 100 - i });
  buckets.push({ at: hour - 30 * HOUR, key: 'model-0', requests: 1, totalTokens: 1_000 }); // outside the window
  const data = await buildTrafficData(sources(buckets), new TrafficLog(), NOW);
  assert.equal(data.tokensByModel.hours.length, 24);
  assert.equal(data.tokensByModel.hours.at(-1), hour);
  assert.deepEqual(
    data.tokensByModel.series.map((s) => [s.label, s.tokens[22], s.tokens.reduce((x, y) => x + y, 0)]),
    [
      ['model-0', 100, 100],
      ['model-1', 99, 99],
      ['model-2', 98, 98],
      ['model-3', 97, 97],
      ['model-4', 96, 96],
      ['model-5', 95, 95],
      ['other (2)', 187, 187],
    ],
  );
  assert.deepEqual(
    data.tokensByClientKey.series.map((s) => [s.label, s.tokens[23]]),
    [
      ['key abcdef01', 7],
      ['no key', 3],
    ],
  );
  assert.equal(data.perMinute.minutes.length, 24 * 60);
});
