/**
 * The CLI and `serve` against a PostgreSQL URL (issue #12): the same commands as on a file, the
 * secret key required, an unreachable server named by host and port without its password.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { cliSandbox } from '../support/cli-run.js';
import { freshPostgresUrl } from '../support/postgres-server.js';
import { startFakeUpstream } from '../fake-upstream/index.js';

test('accounts add / list / disable / remove and pool status work on a PostgreSQL URL as on a file', async (t) => {
  const fake = await startFakeUpstream({ captcha: { enabled: false } });
  t.after(() => fake.close());
  const url = await freshPostgresUrl();
  using sandbox = cliSandbox({ RELAYPOOL_DB: url, RELAYPOOL_UPSTREAM_URL: fake.url });
  const user = fake.addUser({ email: 'pg@example.com', password: 'pw', plan: 'pro' });
  const added = await sandbox.run('accounts', 'add', '--cookie', fake.issueSession(user.id), '--label', 'pg');
  assert.equal(added.code, 0, added.stderr);
  const listed = await sandbox.run('accounts', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout) as Array<{ id: number; label: string; status: string }>;
  assert.deepEqual(
    rows.map((r) => [r.label, r.status]),
    [['pg', 'active']],
  );
  assert.equal((await sandbox.run('accounts', 'disable', String(rows[0]!.id))).code, 0);
  const status = await sandbox.run('pool', 'status', '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { disabled: number }).disabled, 1);
  assert.equal((await sandbox.run('accounts', 'remove', String(rows[0]!.id))).code, 0);
  assert.deepEqual(JSON.parse((await sandbox.run('accounts', 'list', '--json')).stdout), []);
});

test('without RELAYPOOL_SECRET_KEY a PostgreSQL URL is refused with one line', async () => {
  const url = await freshPostgresUrl();
  using sandbox = cliSandbox({ RELAYPOOL_DB: url, RELAYPOOL_SECRET_KEY: '' });
  const result = await sandbox.run('accounts', 'list');
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /RELAYPOOL_SECRET_KEY is required with a PostgreSQL store/);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
});

test('an unreachable PostgreSQL server is named by host and port; the password never shows', async () => {
  // A port nothing listens on: bound a moment ago and closed.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
  using sandbox = cliSandbox({
    RELAYPOOL_DB: `postgres://relaypool:hunter2-secret@127.0.0.1:${port}/pool`,
  });
  const result = await sandbox.run('accounts', 'list');
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}/pool`));
  assert.match(result.stderr, /ECONNREFUSED/);
  assert.doesNotMatch(result.stderr + result.stdout, /hunter2-secret/);
});
