import { createServer, type ServerResponse } from 'node:http';
import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { nodeResponse, respondWithSse, type SseFrame } from '../../src/server/sse.js';
import { UpstreamError, InvalidRequestError } from '../../src/util/errors.js';
import { captureLogger } from '../support/log-capture.js';
import { readSse } from '../support/read-sse.js';

const logger = captureLogger().logger;
const options = (signal = new AbortController().signal, keepAliveMs = 10_000) => ({
  keepAliveMs,
  terminator: '[DONE]',
  logger,
  signal,
});

describe('respondWithSse', () => {
  test('a failure before the first frame rejects, so the caller can answer with an HTTP error', async () => {
    // eslint-disable-next-line require-yield -- a producer that fails before its first frame
    async function* failing(): AsyncGenerator<SseFrame> {
      throw new InvalidRequestError('bad', { param: 'model' });
    }
    await assert.rejects(respondWithSse(failing(), options()), InvalidRequestError);
  });

  test('frames in order, then [DONE]; the open marker sends nothing', async () => {
    async function* frames(): AsyncGenerator<SseFrame> {
      yield { kind: 'open' };
      yield { kind: 'data', data: { n: 1 } };
      yield { kind: 'data', data: { n: 2 }, event: 'named' };
    }
    const res = await respondWithSse(frames(), options());
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { events } = await readSse(res.body);
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        [undefined, '{"n":1}'],
        ['named', '{"n":2}'],
        [undefined, '[DONE]'],
      ],
    );
  });

  test('a failure after headers is one OpenAI-shaped error frame and no [DONE]', async () => {
    async function* frames(): AsyncGenerator<SseFrame> {
      yield { kind: 'data', data: { n: 1 } };
      throw new UpstreamError('upstream socket closed before the turn ended');
    }
    const { events } = await readSse((await respondWithSse(frames(), options())).body);
    assert.equal(events.length, 2);
    const error = JSON.parse(events[1]!.data) as {
      error: { type: string; code: string; message: string; param: null };
    };
    assert.equal(error.error.type, 'server_error');
    assert.equal(error.error.code, 'upstream_error');
    assert.ok(!events.some((e) => e.data === '[DONE]'));
  });

  test('keep-alive comments fill silences while the producer waits', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* frames(): AsyncGenerator<SseFrame> {
      yield { kind: 'open' };
      await gate;
      yield { kind: 'data', data: 'late' };
    }
    const res = await respondWithSse(frames(), options(new AbortController().signal, 20));
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), ': keep-alive\n\n');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    assert.match(rest, /data: late\n\n/);
    assert.match(rest, /data: \[DONE\]\n\n$/);
  });

  test('a client abort stops the producer (its finally runs)', async () => {
    const controller = new AbortController();
    let cleanedUp = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* frames(): AsyncGenerator<SseFrame> {
      try {
        yield { kind: 'data', data: 1 };
        await gate;
        yield { kind: 'data', data: 2 };
      } finally {
        cleanedUp = true;
      }
    }
    const res = await respondWithSse(frames(), options(controller.signal));
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    await reader.read();
    const pendingRead = reader.read();
    controller.abort();
    release();
    await pendingRead;
    await reader.cancel();
    assert.equal(cleanedUp, true);
  });
});

describe('respondWithSse straight into the Node response (under @hono/node-server)', () => {
  /** A real server: requestId middleware, one SSE route fed by `frames`, written with `nodeResponse`. */
  async function serveFrames(
    t: TestContext,
    frames: (signal: AbortSignal) => AsyncGenerator<SseFrame>,
    onResponse: (response: ServerResponse) => void = () => {},
  ): Promise<string> {
    const app = new Hono();
    app.use('*', requestId());
    app.get('/sse', (c) =>
      respondWithSse(frames(c.req.raw.signal), { ...options(c.req.raw.signal), node: nodeResponse(c) }),
    );
    const listener = getRequestListener(app.fetch);
    const server = createServer((req, res) => {
      onResponse(res);
      void listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    return `http://127.0.0.1:${address.port}/sse`;
  }

  test('frames, [DONE] and the request id go out; nothing else is written after', async (t) => {
    const url = await serveFrames(t, async function* () {
      yield { kind: 'open' };
      yield { kind: 'data', data: { n: 1 } };
      yield { kind: 'data', data: { n: 2 }, event: 'named' };
    });
    const res = await fetch(url, { headers: { 'x-request-id': 'rid-sse' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('x-request-id'), 'rid-sse');
    const { events } = await readSse(res.body);
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        [undefined, '{"n":1}'],
        ['named', '{"n":2}'],
        [undefined, '[DONE]'],
      ],
    );
  });

  test('a failure after headers is one error frame and no [DONE]', async (t) => {
    const url = await serveFrames(t, async function* () {
      yield { kind: 'data', data: { n: 1 } };
      throw new UpstreamError('upstream socket closed before the turn ended');
    });
    const { events } = await readSse((await fetch(url)).body);
    assert.equal(events.length, 2);
    assert.match(events[1]?.data ?? '', /"code":"upstream_error"/);
  });

  test('a client that goes away stops the producer (its finally runs)', async (t) => {
    let cleanedUp: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (cleanedUp = resolve));
    const url = await serveFrames(t, async function* (signal) {
      try {
        yield { kind: 'data', data: 1 };
        // The agent goes quiet; like the real producers, this one watches the request's signal.
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      } finally {
        cleanedUp();
      }
    });
    const client = new AbortController();
    const res = await fetch(url, { signal: client.signal });
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    await reader.read();
    client.abort();
    await stopped;
  });

  test('an end frame ends the response at once; the producer still runs to its end, and nothing more is written', async (t) => {
    let finishBookkeeping: () => void = () => {};
    const bookkeeping = new Promise<void>((resolve) => (finishBookkeeping = resolve));
    let ranToEnd = false;
    let ended: () => void = () => {};
    const producerEnded = new Promise<void>((resolve) => (ended = resolve));
    const url = await serveFrames(t, async function* () {
      yield { kind: 'data', data: { n: 1 } };
      yield { kind: 'end' };
      await bookkeeping; // e.g. reading the billed tokens
      yield { kind: 'data', data: { n: 2 } };
      ranToEnd = true;
      ended();
    });
    const { events } = await readSse((await fetch(url)).body); // ends while the producer waits
    assert.deepEqual(
      events.map((e) => e.data),
      ['{"n":1}', '[DONE]'],
    );
    assert.equal(ranToEnd, false);
    finishBookkeeping();
    await producerEnded;
  });

  test('a slow reader is not flooded: the producer waits for the socket to drain', async (t) => {
    let produced = 0;
    let pulledWhileFull = 0;
    let response: ServerResponse | undefined;
    let full: () => void = () => {};
    const filled = new Promise<void>((resolve) => (full = resolve));
    const big = 'x'.repeat(128 * 1024);
    const url = await serveFrames(
      t,
      async function* () {
        for (; produced < 400; produced++) {
          if (response?.writableNeedDrain === true) pulledWhileFull += 1;
          yield { kind: 'data', data: big };
        }
      },
      (res) => {
        response = res;
        const write = res.write.bind(res) as (chunk: string) => boolean;
        res.write = ((chunk: string) => {
          const room = write(chunk);
          if (!room) full();
          return room;
        }) as typeof res.write;
      },
    );
    const res = await fetch(url);
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    await reader.read();
    await filled; // the reader stopped reading and the socket's buffer filled up
    assert.ok(produced < 400, `the producer ran ahead of a reader that stopped reading`);
    let bytes = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
    assert.equal(produced, 400);
    assert.equal(pulledWhileFull, 0, 'the producer was asked for frames while the socket needed draining');
    assert.ok(bytes > 399 * big.length);
  });
});
