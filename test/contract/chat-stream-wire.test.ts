import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { readSse } from '../support/read-sse.js';
import { createParser } from 'eventsource-parser';
import { steps } from '../fake-upstream/index.js';

let h: Harness;
before(async () => {
  h = await startHarness({ env: { RELAYPOOL_STREAM_KEEP_ALIVE_MS: '100' } });
});
after(() => h.close());

const post = (body: unknown) =>
  fetch(`${h.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('chat completions on the wire', () => {
  test('headers go out once the task exists; keep-alive comments flow while the VM boots; [DONE] ends it', async () => {
    h.fake.faults.slowNextBoot(450);
    const res = await post({
      model: h.model,
      stream: true,
      messages: [{ role: 'user', content: 'slow boot' }],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { events, comments } = await readSse(res.body);
    assert.ok(
      comments.filter((c) => c.includes('keep-alive')).length >= 2,
      `keep-alives: ${comments.length}`,
    );
    assert.equal(events.at(-1)?.data, '[DONE]');
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    assert.equal(text, 'echo: slow boot');
    await h.allTasksStopped();
  });

  test('a failure before the task exists is a plain HTTP error, not a 200 stream', async () => {
    h.fake.faults.failNextCreate({ code: 10204 });
    const res = await post({ model: h.model, stream: true, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'upstream_no_capacity');
    // The account now cools briefly: the next request is told when to come back.
    const cooled = await post({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(cooled.status, 429);
    assert.ok(Number(cooled.headers.get('retry-after')) >= 1);
    assert.match(
      ((await cooled.json()) as { error: { message: string } }).error.message,
      /cooling down; next in \d+ s/,
    );
    await h.server.services.accounts.refresh(1);
  });

  test('each request records one usage row', async () => {
    const before = (await h.server.services.store.usage.aggregate()).overall.requests;
    const res = await post({ model: h.model, messages: [{ role: 'user', content: 'count me' }] });
    assert.equal(res.status, 200);
    await res.json();
    const after = (await h.server.services.store.usage.aggregate()).overall;
    assert.equal(after.requests, before + 1);
    assert.ok(after.totalTokens > 0);
  });
});

describe('the end of a chat stream', () => {
  // A regression would hang the stream on the held read: fail in bounded time instead.
  test(
    'a stateless stream without include_usage gets [DONE] before the billed tokens are read; its usage row is stored first, completed with them later, and the task stopped',
    { timeout: 20_000 },
    async (t) => {
      const before = (await h.server.services.store.usage.aggregate()).overall;
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      t.after(() => release());
      h.fake.faults.nextTurn(() => [
        steps.started(),
        steps.messageChunk('first '),
        steps.delay(300),
        steps.messageChunk('second'),
        steps.usage(40, 2),
        steps.ended(),
      ]);
      // store: false keeps no task for a follow-up, so nothing needs the turn settled before [DONE].
      const res = await post({
        model: h.model,
        stream: true,
        store: false,
        messages: [{ role: 'user', content: 'end me quickly' }],
      });
      assert.equal(res.status, 200);
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
      const decoder = new TextDecoder();
      let wire = '';
      while (!wire.includes('first')) {
        const r = await reader.read();
        assert.ok(!r.done, 'the stream ended before its first content');
        wire += decoder.decode(r.value, { stream: true });
      }
      // The turn is running (the sandbox poll is behind us): the next read of the task is the usage lookup.
      h.fake.faults.holdNext('GET', /^\/api\/v1\/users\/tasks\/[0-9a-f-]{36}$/, held);
      for (let r = await reader.read(); !r.done; r = await reader.read())
        wire += decoder.decode(r.value, { stream: true }); // never ends if [DONE] waited
      const data: string[] = [];
      const parser = createParser({ onEvent: (event) => data.push(event.data) });
      parser.feed(wire);
      assert.equal(data.at(-1), '[DONE]');
      const last = JSON.parse(data.at(-2) ?? '{}') as { choices: Array<{ finish_reason: string | null }> };
      assert.equal(last.choices[0]?.finish_reason, 'stop');
      // The row is stored before [DONE] (a crash now must not lose it), with an estimate.
      const atDone = (await h.server.services.store.usage.aggregate()).overall;
      assert.equal(atDone.requests, before.requests + 1, 'the usage row is stored before [DONE]');
      assert.equal(atDone.succeeded, before.succeeded + 1);
      assert.equal(atDone.estimatedRequests, before.estimatedRequests + 1);
      release();
      await h.allTasksStopped();
      const after = (await h.server.services.store.usage.aggregate()).overall;
      assert.equal(after.requests, before.requests + 1, 'the same row, completed in place');
      assert.equal(after.estimatedRequests, before.estimatedRequests, 'billed tokens, not an estimate');
      assert.equal(after.totalTokens - before.totalTokens, 42);
    },
  );
});
