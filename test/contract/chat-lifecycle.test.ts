import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { openStore } from '../../src/store/index.js';
import { MODEL_IDS, steps } from '../fake-upstream/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    env: { RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS: '1000' },
    yaml: 'openai:\n  defaultModel: gpt-4o\n  modelAliases:\n    gpt-4o: monkeycode-basic/qwen3.5-plus\n',
  });
});
after(() => h.close());

describe('task lifecycle and model resolution', () => {
  test('an alias resolves to its upstream model, and is the default when the request names none', async () => {
    const ids = (await h.client.models.list()).data.map((m) => m.id);
    assert.ok(ids.includes('gpt-4o'));
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'no model named' }] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    assert.equal(body.model, 'monkeycode-basic/qwen3.5-plus');
    assert.equal(body.choices[0]?.message.content, 'echo: no model named');
    const viaAlias = await h.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'alias' }],
    });
    assert.equal(viaAlias.model, 'gpt-4o');
    const task = [...h.fake.state.tasks.values()].at(-1)!;
    assert.equal(task.modelId, MODEL_IDS.basicQwen, 'the alias ran on its upstream model');
    await h.allTasksStopped();
  });

  test('a turn that goes quiet past upstream.turnTimeoutMs ends with an error and its task is stopped', async () => {
    h.fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('thinking hard'), steps.hang()]);
    const stream = await h.client.chat.completions.create({
      model: h.model,
      stream: true,
      messages: [{ role: 'user', content: 'hang' }],
    });
    let finish: string | null = null;
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
      })(),
      (err: unknown) => err instanceof OpenAI.APIError,
    );
    assert.equal(finish, null);
    await h.allTasksStopped();
  });

  test('questions the agent asks are declined with base64 frames (the upstream never sees raw data)', async () => {
    h.fake.faults.nextTurn(() => [
      steps.started(),
      steps.ask(
        'call_q1',
        [{ question: 'Which pipeline?', options: [{ label: 'full' }, { label: 'fast' }] }],
        () => [steps.messageChunk('went ahead'), steps.ended()],
      ),
    ]);
    const completion = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'ask me' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'went ahead');
    const inbound = h.fake.requests.filter((r) => r.kind === 'ws-in');
    assert.ok(inbound.length > 0, 'relaypool answered the question over the socket');
    for (const frame of inbound) assert.equal(frame.dataValidBase64, true);
    await h.allTasksStopped();
  });

  test('on start, tasks a crashed process left running are stopped', async () => {
    const user = h.fake.addUser({ email: 'crash@example.com', password: 'pw', plan: 'pro' });
    const cookie = h.fake.issueSession(user.id);
    const create = await fetch(`${h.fake.url}/api/v1/users/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `monkeycode_ai_session=${cookie}` },
      body: JSON.stringify({
        content: 'left behind',
        host_id: 'public_host',
        image_id: [...h.fake.state.tasks.values()][0]!.imageId,
        model_id: [...h.fake.state.tasks.values()][0]!.modelId,
        cli_name: 'opencode',
        resource: { core: 2, memory: 8589934592, life: 3600 },
      }),
    });
    const created = (await create.json()) as { data: { id: string } };
    const taskId = created.data.id;
    await h.fake.waitForTaskStatus(taskId, 'processing');
    // A previous process recorded this task, then died before stopping it.
    const check = await h.server.services.accounts.addCookie(cookie, { label: 'crashed' });
    const db = h.server.services.config.store.db;
    const other = openStore({ file: db, secretKey: 'contract-test-key', instanceId: 'dead-process' });
    const row = other.tasks.begin({ accountId: check.account.id, purpose: 'stateless' });
    other.tasks.setUpstreamId(row.id, taskId);
    other.close();
    const stopped = await h.server.services.reaper.stopOrphans();
    assert.equal(stopped, 1);
    await h.fake.waitForTaskStatus(taskId, 'finished', 5_000);
    assert.equal((await h.server.services.store.tasks.get(row.id))?.state, 'stopped');
  });
});
