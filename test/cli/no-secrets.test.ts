import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/index.js';
import { cliSandbox } from '../support/cli-run.js';

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ captcha: { enabled: true, c: 4, d: 1 }, bootDelayMs: 5 });
});
after(() => fake.close());

test('no CLI output ever contains a cookie or a password', async () => {
  const password = 'pw-that-must-never-be-printed';
  const user = fake.addUser({ email: 'secret@example.com', password, plan: 'pro' });
  const cookie = fake.issueSession(fake.addUser({ email: 'c@example.com', password: 'x', plan: 'basic' }).id);
  using box = cliSandbox({ RELAYPOOL_UPSTREAM_URL: fake.url });
  const runs = [
    await box.run('accounts', 'add', '--cookie', `Cookie: monkeycode_ai_session=${cookie}`),
    await box.run('accounts', 'add', '--email', 'secret@example.com', '--password', password),
    await box.run('accounts', 'add', '--cookie', cookie), // duplicate: the error must not echo it either
    await box.run('accounts', 'list'),
    await box.run('accounts', 'list', '--json'),
    await box.run('pool', 'status', '--json'),
    await box.run('models', '--json'),
    await box.run('discover', '--json'),
    await box.run('accounts', 'refresh', '--all'),
  ];
  assert.equal(runs[1]!.code, 0, runs[1]!.stderr);
  assert.equal(runs[2]!.code, 1);
  const issued = [...fake.state.sessions.keys()];
  assert.ok(issued.length >= 2);
  fake.expireAllSessions();
  runs.push(await box.run('accounts', 'refresh', '--all'));
  for (const [i, run] of runs.entries()) {
    const out = run.stdout + run.stderr;
    assert.ok(!out.includes(cookie), `run ${i} printed the cookie`);
    assert.ok(!out.includes(password), `run ${i} printed the password`);
    for (const session of issued)
      assert.ok(!out.includes(session), `run ${i} printed a session issued at login`);
  }
  assert.ok(user.id.length > 0);
});
