import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerType } from '@hono/node-server';
import { request } from 'undici';
import { createApp } from '../../src/server/app.js';
import { summarizePool } from '../../src/pool/status.js';
import { captureLogger } from '../support/log-capture.js';

/** The HTTP shell with a route that echoes its body, behind the real middleware chain. */
function echoApp(bodyLimitBytes: number) {
  const app = createApp({
    logger: captureLogger().logger,
    version: '0.0.0',
    bodyLimitBytes,
    poolStatus: () => Promise.resolve(summarizePool([], new Map(), 1, 0)),
  });
  app.post('/echo', async (c) => c.text(await c.req.text()));
  return app;
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 10));
      controller.enqueue(bytes.subarray(10));
      controller.close();
    },
  });
}

async function errorCode(res: Response): Promise<unknown> {
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null
    ? Reflect.get(Reflect.get(body, 'error') ?? {}, 'code')
    : undefined;
}

test('a body without a declared length is counted while read: 413 over the limit, intact under it', async () => {
  const app = echoApp(100);
  const over = await app.request('/echo', {
    method: 'POST',
    body: streamOf('x'.repeat(500)),
    duplex: 'half',
  });
  assert.equal(over.status, 413);
  assert.equal(await errorCode(over), 'request_too_large');
  const under = await app.request('/echo', {
    method: 'POST',
    body: streamOf('y'.repeat(60)),
    duplex: 'half',
  });
  assert.equal(under.status, 200);
  assert.equal(await under.text(), 'y'.repeat(60));
});

test('a declared length at the limit passes; one byte more is 413 without reading the body', async () => {
  const app = echoApp(100);
  const at = await app.request('/echo', {
    method: 'POST',
    headers: { 'content-length': '100' },
    body: 'z'.repeat(100),
  });
  assert.equal(await at.text(), 'z'.repeat(100));
  const over = await app.request('/echo', {
    method: 'POST',
    headers: { 'content-length': '101' },
    body: 'z'.repeat(101),
  });
  assert.equal(over.status, 413);
});

test('over a real socket: declared and chunked bodies are both limited, and both read intact', async (t) => {
  const app = echoApp(1000);
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const post = async (body: string | Readable) => {
    const res = await request(`http://127.0.0.1:${port}/echo`, { method: 'POST', body });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const chunks = async function* (n: number) {
    for (let i = 0; i < n; i++) yield 'c'.repeat(100);
  };
  assert.deepEqual(await post('{"a":"ü"}'), { status: 200, text: '{"a":"ü"}' });
  assert.equal((await post('d'.repeat(1001))).status, 413);
  assert.deepEqual(await post(Readable.from(chunks(3))), { status: 200, text: 'c'.repeat(300) });
  assert.equal((await post(Readable.from(chunks(20)))).status, 413);
});
