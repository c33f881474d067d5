import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { HttpFailure } from '../fake-upstream/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ accounts: 3 });
});
after(() => h.close());

const creates = (): number =>
  h.fake.requests.filter((r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks')
    .length;
const emailOfTask = (taskId: string): string | undefined =>
  h.fake.state.users.get(h.fake.state.tasks.get(taskId)?.userId ?? '')?.email;

/** Put every account back to active (a refresh clears cooldowns). */
async function healAll(): Promise<void> {
  for (const account of await h.server.services.store.accounts.list()) {
    if (account.state !== 'invalid') await h.server.services.accounts.refresh(account.id);
  }
}

describe('failover before the first output byte', () => {
  const faults: Array<[string, HttpFailure]> = [
    ['10811 (a task is still active)', { code: 10811 }],
    ['10204 (no capacity)', { code: 10204 }],
    ['HTTP 503', { httpStatus: 503 }],
  ];
  for (const [name, failure] of faults) {
    test(`${name} on one account: the request succeeds on another`, async () => {
      const before = creates();
      h.fake.faults.failNextCreate(failure);
      const done = await h.client.chat.completions.create({
        model: h.model,
        messages: [{ role: 'user', content: name }],
      });
      assert.equal(done.choices[0]?.message.content, `echo: ${name}`);
      assert.equal(creates() - before, 2, 'one refused create, one on another account');
      await h.allTasksStopped();
      await healAll();
    });
  }

  test('a failure after the headers went out but before any content fails over inside the stream', async () => {
    h.fake.faults.failNextBoot();
    const before = h.fake.state.tasks.size;
    const final = await h.client.chat.completions
      .stream({ model: h.model, messages: [{ role: 'user', content: 'boot fails once' }] })
      .finalChatCompletion();
    assert.equal(final.choices[0]?.message.content, 'echo: boot fails once');
    assert.equal(final.choices[0]?.finish_reason, 'stop');
    await h.allTasksStopped();
    const tasks = [...h.fake.state.tasks.values()].slice(before);
    assert.equal(tasks[0]?.status, 'error', 'the failed task');
    assert.ok(
      h.idleTasks().includes(tasks[1]?.id ?? ''),
      'the one that answered is kept for the conversation',
    );
    assert.notEqual(emailOfTask(tasks[0].id), emailOfTask(tasks[1]!.id), 'the retry ran on another account');
    await healAll();
  });

  test('a banned account becomes invalid and is never picked again', async () => {
    h.fake.faults.failNextCreate({ code: 10605 });
    const before = h.fake.state.tasks.size;
    const done = await h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'ban one' }],
    });
    assert.equal(done.choices[0]?.message.content, 'echo: ban one');
    const invalid = (await h.server.services.store.accounts.list()).filter((a) => a.state === 'invalid');
    assert.equal(invalid.length, 1);
    const bannedEmail = `user${invalid[0]!.id - 1}@example.com`;
    for (let i = 0; i < 4; i++)
      await h.client.chat.completions.create({
        model: h.model,
        messages: [{ role: 'user', content: `after ban ${i}` }],
      });
    const later = [...h.fake.state.tasks.values()].slice(before);
    assert.equal(later.length, 5);
    assert.ok(
      later.every((task) => emailOfTask(task.id) !== bannedEmail),
      'no task ran on the banned account',
    );
    await h.allTasksStopped();
  });

  test('every account broken: 429 with Retry-After that says why — never 500, never 401', async () => {
    const usable = (await h.server.services.store.accounts.list()).filter(
      (a) => a.state !== 'invalid',
    ).length;
    h.fake.faults.failNext('POST', '/api/v1/users/tasks', { code: 10811 }, usable);
    const first = await h.client.chat.completions
      .create({ model: h.model, messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => null,
        (err: unknown) => err,
      );
    assert.ok(first instanceof OpenAI.RateLimitError, String(first));
    assert.ok(Number(first.headers?.get('retry-after')) >= 1);
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: h.model, stream: true, messages: [{ role: 'user', content: 'y' }] }),
    });
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 5, `Retry-After ${retryAfter}`);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'rate_limit_error');
    assert.match(body.error.message, /cooling down[ (;]+next in \d+ s/);
    await healAll();
  });
});
