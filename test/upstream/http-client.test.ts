import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import { MonkeyCodeHttp } from '../../src/upstream/monkeycode/http-client.js';
import { resolveOptions } from '../../src/upstream/monkeycode/options.js';
import { SessionJar } from '../../src/upstream/monkeycode/session-jar.js';
import { ok, startMiniUpstream } from './support/mini-upstream.js';

test('a POST carries its JSON body; every Set-Cookie of an answer reaches the jar and goes back', async (t) => {
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/things': () => ({
        ...ok({ made: true }),
        headers: { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] },
      }),
      'GET /api/v1/things': () => ok([]),
    },
  });
  t.after(() => server.close());
  const http = new MonkeyCodeHttp(resolveOptions({ baseUrl: server.url }));
  const jar = SessionJar.withSession(new URL(server.url), 'session-value-1');
  const made = await http.exchange(jar, {
    method: 'POST',
    path: '/api/v1/things',
    body: { name: 'x' },
    context: 'make',
  });
  assert.equal(made.status, 200);
  assert.match(made.contentType, /^application\/json/);
  assert.deepEqual(JSON.parse(made.body), { code: 0, message: 'success', data: { made: true } });
  assert.deepEqual(made.setCookies, ['a=1; Path=/', 'b=2; Path=/']);
  assert.deepEqual(server.requests[0]?.body, { name: 'x' });
  await http.exchange(jar, {
    method: 'GET',
    path: '/api/v1/things',
    query: { page: 1, skip: undefined },
    context: 'list',
  });
  assert.equal(server.requests[1]?.query.toString(), 'page=1');
  assert.equal(server.requests[1]?.cookie, 'monkeycode_ai_session=session-value-1; a=1; b=2');
});

/** A server that sends headers and part of a body, then goes silent. */
async function stallingServer(
  t: TestContext,
): Promise<{ url: string; closed: Promise<void>; started: Promise<void> }> {
  let closed: () => void = () => {};
  const gone = new Promise<void>((resolve) => (closed = resolve));
  let wrote: () => void = () => {};
  const started = new Promise<void>((resolve) => (wrote = resolve));
  const server = createServer((req, res) => {
    req.on('close', closed);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"code":0,', () => wrote());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed: gone, started };
}

test('a body that stops arriving is a timeout', async (t) => {
  const { url } = await stallingServer(t);
  const http = new MonkeyCodeHttp(resolveOptions({ baseUrl: url, requestTimeoutMs: 100 }));
  await assert.rejects(
    http.exchange(null, { method: 'GET', path: '/api/v1/slow', context: 'slow call' }),
    (err: unknown) => {
      assert.ok(isUpstreamFailure(err) && err.kind === 'timeout', String(err));
      assert.match(String(err), /slow call timed out after 100 ms/);
      return true;
    },
  );
});

test('an abort mid-body rejects with the reason and drops the connection', async (t) => {
  const { url, closed, started } = await stallingServer(t);
  const http = new MonkeyCodeHttp(resolveOptions({ baseUrl: url }));
  const controller = new AbortController();
  const pending = http.exchange(null, {
    method: 'GET',
    path: '/api/v1/slow',
    context: 'slow call',
    options: { signal: controller.signal },
  });
  const rejected = assert.rejects(pending, /client left/);
  await started; // the first part of the body is on its way
  controller.abort(new Error('client left'));
  await rejected;
  await closed;
});
