import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { readSse } from '../support/read-sse.js';

let h: Harness;
before(async () => {
  h = await startHarness({ env: { RELAYPOOL_STREAM_KEEP_ALIVE_MS: '100' } });
});
after(() => h.close());

const post = (body: unknown) =>
  fetch(`${h.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('chat completions on the wire', () => {
  test('headers go out once the task exists; keep-alive comments flow while the VM boots; [DONE] ends it', async () => {
    h.fake.faults.slowNextBoot(450);
    const res = await post({ model: h.model, stream: true, messages: [{ role: 'user', content: 'slow boot' }] });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { events, comments } = await readSse(res.body);
    assert.ok(comments.filter((c) => c.includes('keep-alive')).length >= 2, `keep-alives: ${comments.length}`);
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
    assert.match(((await cooled.json()) as { error: { message: string } }).error.message, /cooling down; next in \d+ s/);
    await h.server.services.accounts.refresh(1);
  });

  test('each request records one usage row', async () => {
    const before = h.server.services.store.usage.aggregate().overall.requests;
    const res = await post({ model: h.model, messages: [{ role: 'user', content: 'count me' }] });
    assert.equal(res.status, 200);
    await res.json();
    const after = h.server.services.store.usage.aggregate().overall;
    assert.equal(after.requests, before + 1);
    assert.ok(after.totalTokens > 0);
  });
});
