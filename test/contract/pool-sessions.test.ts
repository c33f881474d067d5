import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ accounts: 0 });
});
after(() => h.close());

const logins = (): number =>
  h.fake.requests.filter((r) => r.kind === 'http' && r.path === '/api/v1/users/password-login').length;

describe('sessions', () => {
  test('a password session that expires mid-run is logged in again once, and the streamed request still succeeds', async () => {
    h.fake.addUser({ email: 'pw@example.com', password: 'secret', plan: 'pro' });
    const { account } = await h.server.services.accounts.addPassword('pw@example.com', 'secret', {
      label: 'pw',
    });
    const model = h.server.services.catalog.list()[0]!.upstreamName;
    const session = (await h.server.services.store.accounts.getSecrets(account.id))?.cookie ?? '';
    const loginsBefore = logins();
    let expired = false;
    // The session dies right after the task is created: headers are out, the VM is booting.
    const off = h.fake.events.on('request', (entry) => {
      if (
        !expired &&
        entry.kind === 'http' &&
        entry.method === 'POST' &&
        entry.path === '/api/v1/users/tasks'
      ) {
        expired = true;
        h.fake.expireSession(session);
      }
    });
    const tasksBefore = h.fake.state.tasks.size;
    const final = await h.client.chat.completions
      .stream({ model, messages: [{ role: 'user', content: 'survive expiry' }] })
      .finalChatCompletion();
    off();
    assert.equal(final.choices[0]?.message.content, 'echo: survive expiry');
    assert.equal(logins() - loginsBefore, 1, 'exactly one re-login');
    const fresh = (await h.server.services.store.accounts.getSecrets(account.id))?.cookie;
    assert.notEqual(fresh, session);
    assert.equal((await h.server.services.store.accounts.get(account.id))?.state, 'active');
    await h.allTasksStopped();
    const tasks = [...h.fake.state.tasks.values()].slice(tasksBefore);
    assert.equal(tasks.length, 2);
    assert.equal(
      tasks[0]?.status,
      'finished',
      'the task of the dead session was stopped too (with the new session)',
    );
    assert.ok(
      h.idleTasks().includes(tasks[1]?.id ?? ''),
      'the one that answered is kept for the conversation',
    );
  });

  test('an expired cookie account goes expired and waits for an operator; the client never sees 401', async () => {
    const user = h.fake.addUser({ email: 'cookie@example.com', password: 'x', plan: 'pro' });
    const cookie = h.fake.issueSession(user.id);
    const { account } = await h.server.services.accounts.addCookie(cookie, { label: 'cookie' });
    await h.server.services.store.accounts.update(1, { enabled: false });
    await h.server.services.pool.invalidate();
    h.fake.expireSession(cookie);
    const model = h.server.services.catalog.list()[0]!.upstreamName;
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'dead cookie' }] }),
    });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'upstream_session_expired');
    assert.equal((await h.server.services.store.accounts.get(account.id))?.state, 'expired');
    const again = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'still dead' }] }),
    });
    assert.equal(again.status, 429);
    assert.match(((await again.json()) as { error: { message: string } }).error.message, /1 expired/);
    await h.server.services.store.accounts.update(1, { enabled: true });
  });
});
