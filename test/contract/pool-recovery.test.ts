import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer } from '../../src/server/start.js';
import { openStore } from '../../src/store/index.js';
import { captureLogger } from '../support/log-capture.js';
import { startHarness } from '../support/proxy-harness.js';

test('after a crash: states and cooldowns survive, and a task the dead process left running holds its account until stopped', async () => {
  const h = await startHarness({ accounts: 2 });
  const { config } = h.server.services;
  try {
    // A task the dead process started on account 1 (the fake counts it against the limit of 1).
    const cookie = (await h.server.services.store.accounts.getSecrets(1))?.cookie ?? '';
    // store:false: nothing kept, so account 1 is free for the orphan below.
    const template = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'template' }],
      store: false,
    });
    assert.ok(template.id);
    await h.allTasksStopped();
    const sample = [...h.fake.state.tasks.values()][0]!;
    const created = await fetch(`${h.fake.url}/api/v1/users/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `monkeycode_ai_session=${cookie}` },
      body: JSON.stringify({
        content: 'orphan',
        host_id: 'public_host',
        image_id: sample.imageId,
        model_id: sample.modelId,
        cli_name: 'opencode',
        resource: { core: 2, memory: 8589934592, life: 3600 },
      }),
    });
    const orphanId = ((await created.json()) as { data: { id: string } }).data.id;
    const dead = openStore({
      file: config.store.db,
      secretKey: 'contract-test-key',
      instanceId: 'dead-process',
    });
    const row = dead.tasks.begin({ accountId: 1, purpose: 'stateless' });
    dead.tasks.setUpstreamId(row.id, orphanId);
    dead.accounts.update(2, {
      state: 'cooling',
      cooldownUntil: Date.now() + 600_000,
      lastError: 'no capacity',
    });
    dead.close();

    const restarted = await startServer({
      config: { ...config, server: { ...config.server, port: 0 } },
      logger: captureLogger('silent').logger,
    });
    try {
      const status = (await (await fetch(`${restarted.url}/admin/pool/status`)).json()) as {
        cooling: number;
        accounts: Array<{ id: number; status: string }>;
      };
      assert.equal(status.cooling, 1, 'the cooldown survived the restart');
      const creates = () =>
        h.fake.requests.filter(
          (r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks',
        ).length;
      const before = creates();
      const client = new OpenAI({ baseURL: `${restarted.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const done = await client.chat.completions.create({
        model: h.model,
        messages: [{ role: 'user', content: 'after the crash' }],
      });
      assert.equal(done.choices[0]?.message.content, 'echo: after the crash');
      assert.equal(creates() - before, 1, 'no 10811: the orphan was stopped before its slot was used');
      assert.equal(h.fake.state.tasks.get(orphanId)?.status, 'finished');
    } finally {
      await restarted.close('test');
    }
  } finally {
    await h.close();
  }
});
