import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { LatencyHistogram, latencyBucket } from '../../src/dashboard/latency-histogram.js';
import { RingBuffer } from '../../src/dashboard/ring-buffer.js';
import { TrafficLog, type RequestSample } from '../../src/dashboard/traffic-log.js';
import { trafficRecorder } from '../../src/dashboard/traffic-recorder.js';
import { NotFoundError } from '../../src/util/errors.js';

const MINUTE = 60_000;

test('ring buffer: keeps the newest items up to its capacity, newest first', () => {
  const ring = new RingBuffer<number>(3);
  assert.deepEqual(ring.newestFirst(), []);
  ring.push(1);
  ring.push(2);
  assert.deepEqual(ring.newestFirst(), [2, 1]);
  for (const n of [3, 4, 5]) ring.push(n);
  assert.deepEqual(ring.newestFirst(), [5, 4, 3]);
  assert.equal(ring.size, 3);
  assert.throws(() => new RingBuffer(0), RangeError);
});

test('latency histogram: quantiles within one bucket (~19 %), never above the largest value', () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.quantile(0.5), null);
  for (let ms = 1; ms <= 100; ms++) histogram.observe(ms);
  const p50 = histogram.quantile(0.5) ?? 0;
  const p95 = histogram.quantile(0.95) ?? 0;
  assert.ok(p50 >= 50 && p50 <= 50 * 1.19, `p50 ${p50}`);
  assert.ok(p95 >= 95 && p95 <= 100, `p95 ${p95}`);
  assert.equal(histogram.quantile(1), 100);
  assert.equal(histogram.count, 100);
  assert.equal(latencyBucket(0), 0);
  assert.equal(latencyBucket(10 ** 9), latencyBucket(10 ** 12), 'very long latencies share the last bucket');
});

const sample = (at: number, status: number, ttfbMs = 10): RequestSample => ({
  at,
  requestId: `r-${at}`,
  method: 'POST',
  route: '/v1/chat/completions',
  status,
  ttfbMs,
  errorKind: status >= 400 ? 'model_not_found' : null,
});

test('traffic log: per-minute counts over a sliding window, old minutes drop out; failures bounded', () => {
  const log = new TrafficLog({ windowMinutes: 3, failureCapacity: 2 });
  const t0 = 1_000 * MINUTE;
  log.record(sample(t0, 200, 20));
  log.record(sample(t0 + 1, 404, 5));
  log.record(sample(t0 + MINUTE, 200, 40));
  log.record(sample(t0 + 2 * MINUTE + 5, 502));
  let series = log.series(t0 + 2 * MINUTE);
  assert.deepEqual(series.minutes, [t0, t0 + MINUTE, t0 + 2 * MINUTE]);
  assert.deepEqual(series.requests, [2, 1, 1]);
  assert.deepEqual(series.errors, [1, 0, 1]);
  assert.deepEqual(series.ttfbP95, [20, 40, 10]);
  // Two minutes later the first two minutes left the window; their slots are reused.
  log.record(sample(t0 + 3 * MINUTE, 200));
  series = log.series(t0 + 4 * MINUTE);
  assert.deepEqual(series.requests, [1, 1, 0]);
  assert.deepEqual(series.ttfbP50, [10, 10, null]);
  assert.deepEqual(
    log.failures().map((f) => [f.requestId, f.status]),
    [
      [`r-${t0 + 2 * MINUTE + 5}`, 502],
      [`r-${t0 + 1}`, 404],
    ],
  );
  assert.ok(!('ttfbMs' in log.failures()[0]!));
});

test('traffic recorder: one sample per request with its id, route, status and error kind', async () => {
  const log = new TrafficLog();
  const app = new Hono();
  let id = 0;
  app.use('*', requestId({ generator: () => `req-${++id}` }));
  app.use(
    '/v1/*',
    trafficRecorder(log, () => 5 * MINUTE),
  );
  app.get('/v1/models', (c) => c.json({ data: [] }));
  app.post('/v1/chat/completions', () => {
    throw new NotFoundError('no such model', { code: 'model_not_found' });
  });
  app.post('/v1/responses', () => {
    throw new Error('boom');
  });
  app.onError((err, c) => c.json({ error: err.message }, err instanceof NotFoundError ? 404 : 500));
  assert.equal((await app.request('/v1/models')).status, 200);
  assert.equal((await app.request('/v1/chat/completions', { method: 'POST' })).status, 404);
  assert.equal((await app.request('/v1/responses', { method: 'POST' })).status, 500);
  assert.equal((await app.request('/health')).status, 404, 'outside /v1: not recorded');
  assert.deepEqual(log.series(5 * MINUTE).requests.at(-1), 3);
  assert.deepEqual(
    log.failures().map((f) => ({ id: f.requestId, route: f.route, status: f.status, kind: f.errorKind })),
    [
      { id: 'req-3', route: '/v1/responses', status: 500, kind: 'internal_error' },
      { id: 'req-2', route: '/v1/chat/completions', status: 404, kind: 'model_not_found' },
    ],
  );
});
