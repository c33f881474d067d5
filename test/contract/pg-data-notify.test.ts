/**
 * PostgreSQL's data version is a sequence: a writer's bump is visible to every connection before
 * the writer commits. A server that looks in between reads the old rows under the new version; it
 * must still see the change once committed — through the notification sent at commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/start.js';
import { startFakeUpstream } from '../fake-upstream/index.js';
import { captureLogger } from '../support/log-capture.js';
import { freshPostgresUrl } from '../support/postgres-server.js';

const MODEL = 'monkeycode-basic/qwen3.5-plus';
const RENAMED = 'monkeycode-basic/renamed';

test('a change committed after the server looked under its bumped version still reaches the server', async (t) => {
  const fake = await startFakeUpstream({ bootDelayMs: 5, stepDelayMs: 1, captcha: { enabled: false } });
  const url = await freshPostgresUrl();
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-pg-notify-'));
  const { config } = loadConfig({
    cwd: dir,
    env: {
      RELAYPOOL_UPSTREAM_URL: fake.url,
      RELAYPOOL_DB: url,
      RELAYPOOL_SECRET_KEY: 'pg-notify-test-key',
      // No watch tick and no heartbeat during the test: only what the server is told can make it
      // read the accounts again.
      RELAYPOOL_POOL_WATCH_INTERVAL_MS: '600000',
      RELAYPOOL_POOL_PROCESS_TTL_MS: '600000',
    },
    flags: { 'server.port': 0 },
  });
  const server = await startServer({ config, logger: captureLogger('silent').logger });
  const writer = new pg.Client({ connectionString: url });
  t.after(async () => {
    await writer.end();
    await server.close('test');
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const user = fake.addUser({ email: 'a@example.com', password: 'pw', plan: 'pro' });
  await server.services.accounts.addCookie(fake.issueSession(user.id), { label: 'a' });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const listed = async (): Promise<string[]> => (await client.models.list()).data.map((m) => m.id);
  assert.ok((await listed()).includes(MODEL));

  await writer.connect();
  await writer.query('BEGIN');
  await writer.query('UPDATE upstream_models SET name = $1 WHERE name = $2', [RENAMED, MODEL]);
  // The bump is visible, the rename is not: the server reads the old rows under the new version.
  assert.ok(!(await listed()).includes(RENAMED));
  await writer.query('COMMIT');

  const deadline = Date.now() + 10_000;
  while (!(await listed()).includes(RENAMED)) {
    assert.ok(Date.now() < deadline, 'the server reads the committed rename');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const reply = await client.chat.completions.create({
    model: RENAMED,
    messages: [{ role: 'user', content: 'hello' }],
  });
  assert.equal(reply.choices[0]?.finish_reason, 'stop');
});
