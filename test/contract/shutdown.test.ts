import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steps } from '../fake-upstream/index.js';
import { startHarness } from '../support/proxy-harness.js';

test('graceful shutdown: a request still streaming after the grace period is cut, and its task is stopped', async () => {
  const h = await startHarness({ env: { RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '300' } });
  try {
    h.fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('working'), steps.hang()]);
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: h.model,
        stream: true,
        messages: [{ role: 'user', content: 'long job' }],
      }),
    });
    assert.equal(res.status, 200);
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    let seen = '';
    while (!seen.includes('working')) {
      const { value, done } = await reader.read();
      assert.equal(done, false);
      seen += new TextDecoder().decode(value);
    }
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    assert.equal(task.status, 'processing');
    await h.server.close('test shutdown');
    // close() resolves only after the in-flight task was stopped upstream.
    assert.equal(h.fake.state.tasks.get(task.id)?.status, 'finished');
    await assert.rejects(async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) throw new Error('stream ended');
      }
    });
    await assert.rejects(fetch(`${h.server.url}/health`), 'no longer accepting connections');
  } finally {
    await h.close();
  }
});
