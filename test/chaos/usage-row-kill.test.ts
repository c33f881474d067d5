import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { freePort, RelaypoolProcess } from '../../scripts/chaos/relaypool-process.js';
import { startFakeUpstream, steps } from '../fake-upstream/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// design §5 "a crash loses no usage row": a stateless chat stream gets [DONE] as soon as the answer
// is complete, before the billed tokens are read (one more REST call). A real `relaypool serve` is
// SIGKILLed in exactly that moment — the read is held by the fake, so the kill cannot come too late.
test(
  'a SIGKILL right after a stateless stream’s [DONE], before its billed tokens are read, leaves its usage row',
  { timeout: 60_000 },
  async (t) => {
    const fake = await startFakeUpstream({
      bootDelayMs: 5,
      pingIntervalMs: 1000,
      stepDelayMs: 1,
      captcha: { enabled: false },
    });
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const dir = mkdtempSync(join(tmpdir(), 'relaypool-kill-'));
    const dbFile = join(dir, 'relaypool.db');
    const relaypool = new RelaypoolProcess(
      root,
      {
        CHAOS_DIR: dir,
        RELAYPOOL_PORT: String(await freePort()),
        RELAYPOOL_UPSTREAM_URL: fake.url,
        RELAYPOOL_DB: dbFile,
        RELAYPOOL_SECRET_KEY: 'kill-test-key',
        RELAYPOOL_LOG_LEVEL: 'warn',
        RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '10',
      },
      join(dir, 'relaypool.log'),
    );
    t.after(async () => {
      release();
      await relaypool.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await relaypool.start();
    const user = fake.addUser({ email: 'kill@example.com', password: 'unused', plan: 'pro' });
    const added = await fetch(`${relaypool.url}/admin/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cookie: fake.issueSession(user.id) }),
    });
    assert.ok(added.ok, `${added.status}`);
    const client = new OpenAI({ baseURL: `${relaypool.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const model = (await client.models.list()).data[0]?.id ?? '';

    fake.faults.nextTurn(() => [
      steps.started(),
      steps.messageChunk('first '),
      steps.delay(300),
      steps.messageChunk('second'),
      steps.usage(40, 2),
      steps.ended(),
    ]);
    // store: false keeps no task for a follow-up: the stream ends at the complete answer.
    const stream = await client.chat.completions.create({
      model,
      stream: true,
      store: false,
      messages: [{ role: 'user', content: 'bill me after the end' }],
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (text === '' && chunk.choices[0]?.delta.content) {
        // The turn runs (the sandbox polls are behind us): the next read of the task is the usage lookup.
        fake.faults.holdNext('GET', /^\/api\/v1\/users\/tasks\/[0-9a-f-]{36}$/, held);
      }
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, 'first second');
    assert.equal(finish, 'stop');

    await relaypool.kill();

    const [task] = [...fake.state.tasks.values()];
    const db = new Database(dbFile, { readonly: true });
    t.after(() => db.close());
    const rows = db
      .prepare('SELECT outcome, estimated, total_tokens AS total FROM usage WHERE upstream_task_id = ?')
      .all(task?.id);
    assert.deepEqual(rows, [{ outcome: 'ok', estimated: 1, total: 9 }], 'one ok row, estimated');
  },
);
