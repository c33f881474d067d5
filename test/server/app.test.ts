import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/server/app.js';
import { summarizePool } from '../../src/pool/status.js';
import { captureLogger } from '../support/log-capture.js';

function buildApp(bodyLimitBytes = 1024) {
  const log = captureLogger();
  const app = createApp({
    logger: log.logger,
    version: '9.9.9',
    bodyLimitBytes,
    now: () => 1_000_000,
    poolStatus: () =>
      Promise.resolve(
        summarizePool(
          [
            {
              id: 1,
              label: 'a',
              kind: 'cookie',
              state: 'active',
              enabled: true,
              maxConcurrency: null,
              cooldownUntil: null,
              lastError: null,
              lastCheckedAt: null,
            },
            {
              id: 2,
              label: 'b',
              kind: 'cookie',
              state: 'expired',
              enabled: true,
              maxConcurrency: null,
              cooldownUntil: null,
              lastError: null,
              lastCheckedAt: null,
            },
          ],
          new Map(),
          1,
          1_000_000,
        ),
      ),
  });
  return { app, log };
}

function assertOpenAIError(body: unknown, type: string, code: string): void {
  assert.ok(body !== null && typeof body === 'object' && 'error' in body);
  const error = (body as { error: Record<string, unknown> }).error;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(error.type, type);
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
}

describe('http app', () => {
  test('GET /health reports liveness and pool counts without account details', async () => {
    const { app } = buildApp();
    const res = await app.request('/health');
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '9.9.9');
    assert.deepEqual(body.pool, {
      mode: 'pool',
      total: 2,
      active: 1,
      expired: 1,
      invalid: 0,
      locked: 0,
      cooling: 0,
      disabled: 0,
      unverified: 0,
      inFlight: 0,
      idleTasks: 0,
      elsewhere: 0,
      upstreams: {
        monkeycode: {
          total: 2,
          active: 1,
          expired: 1,
          invalid: 0,
          locked: 0,
          cooling: 0,
          disabled: 0,
          unverified: 0,
          inFlight: 0,
          idleTasks: 0,
          elsewhere: 0,
        },
      },
    });
  });

  test('every response carries a request id; a sane incoming one is kept', async () => {
    const { app } = buildApp();
    const generated = await app.request('/health');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const kept = await app.request('/health', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(kept.headers.get('x-request-id'), 'abc-123');
  });

  test('unknown routes are a 404 in OpenAI shape', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/nope', { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assertOpenAIError(await res.json(), 'invalid_request_error', 'unknown_route');
  });

  test('bodies declared over the limit get 413 in OpenAI shape', async () => {
    const { app } = buildApp(100);
    const declared = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '5000' },
      body: 'x'.repeat(5000),
    });
    assert.equal(declared.status, 413);
    assertOpenAIError(await declared.json(), 'invalid_request_error', 'request_too_large');
  });

  test('an unexpected exception is a 500 that leaks nothing, logged with its cause', async () => {
    const { app, log } = buildApp();
    // A route that fails the way a bug would, behind the same error handler.
    app.get('/boom', () => {
      throw new Error('secret internals monkeycode_ai_session=abc');
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /secret internals/);
    assertOpenAIError(JSON.parse(text), 'server_error', 'internal_error');
    assert.match(log.text(), /request failed/);
  });

  test('one access log line per request, with status and request id', async () => {
    const { app, log } = buildApp();
    await app.request('/health', { headers: { 'x-request-id': 'rid-1' } });
    const line = log
      .lines()
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request');
    assert.ok(line);
    assert.equal(line.reqId, 'rid-1');
    assert.equal(line.status, 200);
    assert.equal(line.path, '/health');
  });
});
