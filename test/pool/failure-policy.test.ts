import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAILURE_KINDS,
  UPSTREAM_ERROR_KINDS,
  policyFor,
  scopeOf,
  type UpstreamErrorKind,
} from '../../src/upstream/errors.js';

const KINDS: UpstreamErrorKind[] = [
  'session-expired',
  'bad-credentials',
  'banned',
  'forbidden',
  'captcha',
  'concurrency',
  'no-capacity',
  'host-limit',
  'rate-limited',
  'model-denied',
  'credits',
  'not-found',
  'bad-request',
  'input-too-large',
  'task-failed',
  'unavailable',
  'network',
  'timeout',
  'protocol',
  'unknown',
];

test('request-scoped failures never cool an account and are not retried elsewhere (except a plan-denied model)', () => {
  for (const kind of KINDS.filter((k) => scopeOf(k) === 'request')) {
    const policy = policyFor(kind);
    if (kind === 'model-denied') assert.deepEqual(policy, { action: 'model', failover: true });
    else assert.deepEqual(policy, { action: 'none', failover: false }, kind);
  }
});

test('every account-scoped failure fails over and changes the account', () => {
  for (const kind of KINDS.filter((k) =>
    ['account-cooling', 'account-invalid', 'session-expired'].includes(scopeOf(k)),
  )) {
    const policy = policyFor(kind);
    assert.equal(policy.failover, true, kind);
    assert.notEqual(policy.action, 'none', kind);
  }
});

test('the table of actions', () => {
  const actions = Object.fromEntries(KINDS.map((kind) => [kind, policyFor(kind).action]));
  assert.deepEqual(actions, {
    'session-expired': 'expired',
    'bad-credentials': 'invalid',
    banned: 'invalid',
    forbidden: 'transient',
    captcha: 'none',
    concurrency: 'concurrency',
    'no-capacity': 'backoff',
    'host-limit': 'backoff',
    'rate-limited': 'backoff',
    'model-denied': 'model',
    credits: 'credits',
    'not-found': 'none',
    'bad-request': 'none',
    'input-too-large': 'none',
    'task-failed': 'none',
    unavailable: 'transient',
    network: 'transient',
    timeout: 'none',
    protocol: 'transient',
    unknown: 'none',
  });
});

test('the failure table has one complete row per kind, and no row for a kind that does not exist', () => {
  assert.deepEqual([...UPSTREAM_ERROR_KINDS].sort(), [...KINDS].sort());
  assert.deepEqual(Object.keys(FAILURE_KINDS).sort(), [...UPSTREAM_ERROR_KINDS].sort());
  for (const kind of UPSTREAM_ERROR_KINDS) {
    const row = FAILURE_KINDS[kind];
    assert.deepEqual(Object.keys(row).sort(), ['action', 'failover', 'retryable', 'scope'], kind);
  }
});
