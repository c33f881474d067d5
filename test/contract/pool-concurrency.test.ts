import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../support/proxy-harness.js';

test('N parallel requests over accounts with limit 1 all succeed, never more than one active task per account', async () => {
  const h = await startHarness({ accounts: 3, fake: { concurrencyLimit: 1 } });
  try {
    const { fake } = h;
    const peak = new Map<string, number>();
    const measure = (): void => {
      const active = new Map<string, number>();
      for (const task of fake.state.tasks.values()) {
        if (task.status === 'pending' || task.status === 'processing')
          active.set(task.userId, (active.get(task.userId) ?? 0) + 1);
      }
      for (const [user, n] of active) peak.set(user, Math.max(peak.get(user) ?? 0, n));
    };
    const offStatus = fake.events.on('task-status', measure);
    const offRequest = fake.events.on('request', measure);
    const prompts = Array.from({ length: 9 }, (_, i) => `parallel ${i}`);
    const answers = await Promise.all(
      prompts.map(async (prompt, i) => {
        if (i % 2 === 0) {
          const done = await h.client.chat.completions
            .stream({ model: h.model, messages: [{ role: 'user', content: prompt }] })
            .finalChatCompletion();
          return done.choices[0]?.message.content;
        }
        const done = await h.client.chat.completions.create({
          model: h.model,
          messages: [{ role: 'user', content: prompt }],
        });
        return done.choices[0]?.message.content;
      }),
    );
    offStatus();
    offRequest();
    assert.deepEqual(
      answers,
      prompts.map((p) => `echo: ${p}`),
    );
    assert.equal(fake.state.tasks.size, 9);
    const creates = fake.requests.filter(
      (r) => r.kind === 'http' && r.method === 'POST' && r.path === '/api/v1/users/tasks',
    );
    assert.equal(creates.length, 9, 'no create was refused (10811) and retried');
    assert.equal(peak.size, 3, 'every account served');
    for (const [user, n] of peak) assert.equal(n, 1, `user ${user} had ${n} active tasks at once`);
    await h.allTasksStopped();
  } finally {
    await h.close();
  }
});
