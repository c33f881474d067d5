import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { UpstreamError, UpstreamTimeoutError } from '../../src/util/errors.js';
import type { UpstreamTimeoutFailure } from '../../src/upstream/errors.js';
import {
  isUpstreamFailure,
  scopeOf,
  UpstreamFailure,
  upstreamFailure,
  type UpstreamErrorKind,
} from '../../src/upstream/errors.js';
import { parseEnvelope, type RawResponse } from '../../src/upstream/monkeycode/envelope.js';
import { cleanUpstreamMessage, kindOfCode } from '../../src/upstream/monkeycode/error-codes.js';

const json = (status: number, body: unknown): RawResponse => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});
const dataSchema = z.object({ id: z.string() });

function failureOf(fn: () => unknown): UpstreamFailure | UpstreamTimeoutFailure {
  try {
    fn();
  } catch (err) {
    assert.ok(isUpstreamFailure(err), `expected an upstream failure, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a throw');
}

test('success envelope returns parsed data, with `message` or `msg`', () => {
  assert.deepEqual(
    parseEnvelope(json(200, { code: 0, message: 'success', data: { id: 'a' } }), dataSchema, 'x'),
    { id: 'a' },
  );
  assert.deepEqual(
    parseEnvelope(json(200, { code: 0, msg: 'success', data: { id: 'b' } }), dataSchema, 'x'),
    { id: 'b' },
  );
  assert.equal(parseEnvelope(json(200, { code: 0, message: 'success' }), z.unknown(), 'x'), undefined);
});

test('business errors: HTTP 200 + code, message (or msg) without the trace suffix', () => {
  const err = failureOf(() =>
    parseEnvelope(
      json(200, { code: 10811, message: '你已有一个正在运行的任务 [trace_id: 4bf92f3577b34da6]' }),
      dataSchema,
      'create task',
    ),
  );
  assert.equal(err.kind, 'concurrency');
  assert.equal(err.upstreamCode, 10811);
  assert.equal(err.message, 'create task failed (code 10811): 你已有一个正在运行的任务');
  const viaMsg = failureOf(() =>
    parseEnvelope(json(200, { code: 10606, msg: 'login failed [trace_id: abc]' }), dataSchema, 'login'),
  );
  assert.equal(viaMsg.kind, 'bad-credentials');
  assert.match(viaMsg.message, /login failed$/);
});

test('every documented code maps to its kind', () => {
  const expected: Array<[number, UpstreamErrorKind]> = [
    [10606, 'bad-credentials'],
    [10605, 'banned'],
    [10811, 'concurrency'],
    [10204, 'no-capacity'],
    [10230, 'host-limit'],
    [10812, 'model-denied'],
    [10609, 'credits'],
    [10610, 'credits'],
    [10002, 'not-found'],
    [500, 'unknown'],
    [401, 'session-expired'],
    [400, 'bad-request'],
    [403, 'forbidden'],
    [12345, 'unknown'],
  ];
  for (const [code, kind] of expected) assert.equal(kindOfCode(code), kind, `code ${code}`);
});

test('session expired: 401 text, 401 JSON, non-JSON 2xx, null data where flagged', () => {
  const text401: RawResponse = { status: 401, contentType: 'text/plain', body: 'Unauthorized' };
  assert.equal(failureOf(() => parseEnvelope(text401, dataSchema, 'x')).kind, 'session-expired');
  assert.equal(
    failureOf(() => parseEnvelope(json(401, { code: 401, message: '未授权 [trace_id: t]' }), dataSchema, 'x'))
      .kind,
    'session-expired',
  );
  const html: RawResponse = {
    status: 200,
    contentType: 'text/html',
    body: '<!doctype html><title>login</title>',
  };
  assert.equal(failureOf(() => parseEnvelope(html, dataSchema, 'x')).kind, 'session-expired');
  const nullData = json(200, { code: 0, message: 'success', data: null });
  assert.equal(
    failureOf(() => parseEnvelope(nullData, dataSchema, 'x', { nullDataMeansExpired: true })).kind,
    'session-expired',
  );
});

test('HTTP errors without an envelope map by status; bad shapes are protocol errors', () => {
  assert.equal(
    failureOf(() =>
      parseEnvelope({ status: 404, contentType: 'text/plain', body: '404 page not found' }, dataSchema, 'x'),
    ).kind,
    'not-found',
  );
  assert.equal(
    failureOf(() =>
      parseEnvelope({ status: 429, contentType: 'text/html', body: 'slow down' }, dataSchema, 'x'),
    ).kind,
    'rate-limited',
  );
  assert.equal(
    failureOf(() => parseEnvelope({ status: 503, contentType: 'text/html', body: 'x' }, dataSchema, 'x'))
      .kind,
    'unavailable',
  );
  assert.equal(
    failureOf(() => parseEnvelope(json(403, { code: 403, message: 'forbidden' }), dataSchema, 'x')).kind,
    'forbidden',
  );
  assert.equal(failureOf(() => parseEnvelope(json(200, { hello: 1 }), dataSchema, 'x')).kind, 'protocol');
  const wrongData = failureOf(() =>
    parseEnvelope(json(200, { code: 0, message: 'ok', data: { id: 7 } }), dataSchema, 'get task'),
  );
  assert.equal(wrongData.kind, 'protocol');
  assert.match(wrongData.message, /^get task: unexpected answer \(id: /);
});

test('trace suffix stripping and message bounding', () => {
  assert.equal(
    cleanUpstreamMessage('Internal server error [trace_id: 4bf92f3577b34da6]'),
    'Internal server error',
  );
  assert.equal(cleanUpstreamMessage('x [TRACE_ID: a-b]  '), 'x');
  assert.ok(cleanUpstreamMessage('y'.repeat(1000)).length <= 300);
});

test('failure classes extend the relay error family with kind, scope and retryable', () => {
  const concurrency = upstreamFailure('concurrency', 'busy');
  assert.ok(concurrency instanceof UpstreamError);
  assert.equal(concurrency.status, 502);
  assert.equal(concurrency.retryable, true);
  assert.equal(concurrency.code, 'upstream_concurrency');
  assert.equal(concurrency.scope, 'account-cooling');
  const timeout = upstreamFailure('timeout', 'slow');
  assert.ok(timeout instanceof UpstreamTimeoutError);
  assert.equal(timeout.status, 504);
  assert.equal(timeout.kind, 'timeout');
  assert.equal(upstreamFailure('bad-credentials', 'no').retryable, false);
  assert.equal(scopeOf('bad-credentials'), 'account-invalid');
  assert.equal(scopeOf('session-expired'), 'session-expired');
  assert.equal(scopeOf('model-denied'), 'request');
  assert.equal(scopeOf('network'), 'transient');
  assert.equal(new UpstreamFailure('unknown', 'x', { retryable: true }).retryable, true);
});
