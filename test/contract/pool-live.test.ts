import { asyncSqliteStore } from '../../src/store/async-store.js';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AccountService } from '../../src/pool/account-service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { steps } from '../fake-upstream/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
let cli: Store;
before(async () => {
  h = await startHarness({ accounts: 1 });
  // A second connection to the same database, as the CLI would have.
  cli = openStore({ file: h.server.services.config.store.db, secretKey: 'contract-test-key' });
});
after(async () => {
  cli.close();
  await h.close();
});

const emailOfLastTask = (): string | undefined =>
  h.fake.state.users.get([...h.fake.state.tasks.values()].at(-1)?.userId ?? '')?.email;

describe('live account changes (another process writes the database)', () => {
  test('an account added by the CLI serves a request that is already waiting; a disabled one is skipped at once', async () => {
    // Long enough for the server's database watch (every 500 ms) to notice the new account.
    h.fake.faults.nextTurn(() => [
      steps.started(),
      steps.messageChunk('slow'),
      steps.delay(1_500),
      steps.ended(),
    ]);
    const slow = h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'occupy' }],
    });
    await h.fake.events.waitFor('turn-started');
    // The only account is busy: this request queues.
    const waiting = h.client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'waiting' }],
    });
    while (h.server.services.pool.queued() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const user = h.fake.addUser({ email: 'late@example.com', password: 'pw', plan: 'pro' });
    const other = new AccountService({
      store: asyncSqliteStore(cli),
      adapter: h.server.services.adapter,
      logger: h.server.services.logger,
      now: Date.now,
    });
    const added = await other.addCookie(h.fake.issueSession(user.id), { label: 'late' });
    const served = await waiting;
    assert.equal(served.choices[0]?.message.content, 'echo: waiting');
    assert.equal(emailOfLastTask(), 'late@example.com');
    const slowTask = [...h.fake.state.tasks.values()].at(-2)!;
    assert.equal(slowTask.status, 'processing', 'served while the first account was still busy');
    await slow;
    // Disable the first account from the CLI connection: the next requests all go to the new one.
    cli.accounts.update(1, { enabled: false });
    for (let i = 0; i < 3; i++) {
      await h.client.chat.completions.create({
        model: h.model,
        messages: [{ role: 'user', content: `after disable ${i}` }],
      });
      assert.equal(emailOfLastTask(), 'late@example.com');
    }
    cli.accounts.update(1, { enabled: true });
    assert.ok(added.account.id > 1);
    await h.allTasksStopped();
  });

  test('a lease on an account removed mid-request finishes its request, and its task is stopped', async () => {
    const victim = cli.accounts.list().find((a) => a.label === 'late');
    assert.ok(victim);
    cli.accounts.update(1, { enabled: false });
    h.fake.faults.nextTurn(() => [
      steps.started(),
      steps.messageChunk('part one, '),
      steps.delay(150),
      steps.messageChunk('part two'),
      steps.ended(),
    ]);
    const stream = h.client.chat.completions.stream({
      model: h.model,
      messages: [{ role: 'user', content: 'removed midway' }],
    });
    await h.fake.events.waitFor('turn-started');
    const taskId = [...h.fake.state.tasks.values()].at(-1)!.id;
    cli.accounts.remove(victim.id);
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]?.message.content, 'part one, part two');
    await h.fake.waitForTaskStatus(taskId, 'finished', 5_000);
    cli.accounts.update(1, { enabled: true });
  });
});
