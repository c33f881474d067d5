import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const BOOT_MS = 2000;
const MODEL = 'monkeycode-basic/qwen3.5-plus';

/** Stream a chat request; milliseconds until the first content delta, and the whole answer. */
async function timedChat(
  h: Harness,
  messages: ChatCompletionMessageParam[],
): Promise<{ ttfbMs: number; text: string }> {
  const started = performance.now();
  let ttfbMs = -1;
  let text = '';
  const stream = await h.client.chat.completions.create({ model: MODEL, messages, stream: true });
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content ?? '';
    if (delta !== '' && ttfbMs < 0) ttfbMs = performance.now() - started;
    text += delta;
  }
  return { ttfbMs: Math.round(ttfbMs), text };
}

function creates(h: Harness): number {
  return h.fake.requests.filter(
    (r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks',
  ).length;
}

// Issue: "with a fake VM boot delay of 2 s, a test shows continued turns and warm first turns skip
// the boot". The times are reported (t.diagnostic), never asserted: the machines are shared. What
// is asserted is structural: those turns created no task, so they cannot have waited for a boot.
test(`with a ${BOOT_MS} ms VM boot, warm first turns and continued turns skip it (times reported, not asserted)`, async (t) => {
  const h = await startHarness({
    fake: { bootDelayMs: BOOT_MS },
    accounts: 2,
    env: { RELAYPOOL_WARM_SIZE: '1', RELAYPOOL_WARM_MODEL: MODEL },
  });
  try {
    // While the warm task boots on one account, a cold request boots its own task on the other.
    const cold = await timedChat(h, [{ role: 'user', content: 'cold start' }]);
    await h.until('the warm task to boot', () => h.server.services.pool.warmCount(MODEL) >= 1);
    const before = creates(h);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'new conversation' },
    ];
    const warm = await timedChat(h, messages);
    assert.equal(creates(h) - before, 0, 'the first turn ran on the warm task');
    assert.match(warm.text, /new conversation/);
    assert.match(warm.text, /Answer briefly\./, 'the system prompt travelled inside the first message');
    messages.push({ role: 'assistant', content: warm.text }, { role: 'user', content: 'second turn' });
    const continued = await timedChat(h, messages);
    assert.equal(continued.text, 'echo: second turn');
    assert.equal(creates(h) - before, 0, 'the second turn continued on the same task');
    t.diagnostic(
      `time to first content byte: cold ${cold.ttfbMs} ms, warm first turn ${warm.ttfbMs} ms, continued turn ${continued.ttfbMs} ms (VM boot ${BOOT_MS} ms)`,
    );
  } finally {
    await h.close();
  }
});
