import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { steps } from '../fake-upstream/index.js';
import { startHarness } from '../support/proxy-harness.js';

test('graceful shutdown: a stream still running after the grace period ends with an error frame, and its task is stopped', async () => {
  const h = await startHarness({ env: { RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '300' } });
  try {
    h.fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('working'), steps.hang()]);
    const stream = await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      messages: [{ role: 'user', content: 'long job' }],
    });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    assert.equal(task.status, 'processing');
    await h.server.close('test shutdown');
    // close() resolves only after the in-flight task was stopped upstream.
    assert.equal(h.fake.state.tasks.get(task.id)?.status, 'finished');
    await assert.rejects(
      async () => {
        for (let r = await iterator.next(); !r.done; r = await iterator.next());
      },
      (err: unknown) => err instanceof APIError && /shutting down/.test(err.message),
    );
    await assert.rejects(fetch(`${h.server.url}/health`), 'no longer accepting connections');
  } finally {
    await h.close();
  }
});
