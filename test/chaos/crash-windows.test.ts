import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { freePort, RelaypoolProcess } from '../../scripts/chaos/relaypool-process.js';
import { startFakeUpstream, steps, type FakeUpstream } from '../fake-upstream/index.js';

// design §5: "a crash loses no usage row and leaks no upstream task". A real `relaypool serve` is
// SIGKILLed inside the two windows the chaos runs found, held open by the fake so that the kill
// cannot come too early or too late.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TASK_PATH = /^\/api\/v1\/users\/tasks\/[0-9a-f-]{36}$/;

let fake: FakeUpstream;
let relaypool: RelaypoolProcess;
let dir: string;
let client: OpenAI;
let model: string;
const releases: Array<() => void> = [];

/** A promise the fake holds a request on, released by the test (or at the end). */
function hold(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  releases.push(release);
  return { held, release };
}

function usageRows(taskId: string | undefined): unknown[] {
  const db = new Database(join(dir, 'relaypool.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT outcome, estimated, total_tokens AS total FROM usage WHERE upstream_task_id = ?')
      .all(taskId);
  } finally {
    db.close();
  }
}

before(async () => {
  fake = await startFakeUpstream({
    bootDelayMs: 5,
    pingIntervalMs: 1000,
    stepDelayMs: 1,
    captcha: { enabled: false },
  });
  dir = mkdtempSync(join(tmpdir(), 'relaypool-crash-'));
  relaypool = new RelaypoolProcess(
    root,
    {
      CHAOS_DIR: dir,
      RELAYPOOL_PORT: String(await freePort()),
      RELAYPOOL_UPSTREAM_URL: fake.url,
      RELAYPOOL_DB: join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'crash-test-key',
      RELAYPOOL_LOG_LEVEL: 'warn',
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '10',
      // A killed process's tasks are taken over once its heartbeat has run out: soon.
      RELAYPOOL_POOL_PROCESS_TTL_MS: '3000',
    },
    join(dir, 'relaypool.log'),
  );
  await relaypool.start();
  const user = fake.addUser({ email: 'crash@example.com', password: 'unused', plan: 'pro' });
  const added = await fetch(`${relaypool.url}/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cookie: fake.issueSession(user.id) }),
  });
  assert.ok(added.ok, `adding the account: HTTP ${added.status}`);
  client = new OpenAI({ baseURL: `${relaypool.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  model = (await client.models.list()).data[0]?.id ?? '';
});

after(async () => {
  for (const release of releases) release();
  await relaypool.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in a crash window', () => {
  test('right after a stateless stream’s [DONE], before its billed tokens are read: its usage row is there', async () => {
    const lookup = hold();
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
      // The turn runs (the sandbox polls are behind us): the next read of the task is the usage lookup.
      if (text === '' && chunk.choices[0]?.delta.content) fake.faults.holdNext('GET', TASK_PATH, lookup.held);
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, 'first second');
    assert.equal(finish, 'stop');

    await relaypool.kill();

    const [task] = [...fake.state.tasks.values()];
    assert.deepEqual(
      usageRows(task?.id),
      [{ outcome: 'ok', estimated: 1, total: 9 }],
      'one ok row, estimated',
    );
  });

  test('while a create call’s answer is on its way: the next start finds the task and stops it', async () => {
    await relaypool.start();
    const create = hold();
    const arrived = new Promise<void>((r) =>
      fake.faults.holdNext('POST', '/api/v1/users/tasks', create.held, r),
    );
    const request = client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'created after my process died' }] })
      .then(
        () => 'answered',
        (err: unknown) => (err instanceof OpenAI.APIConnectionError ? 'connection lost' : String(err)),
      );
    await arrived;
    await relaypool.kill();
    assert.equal(await request, 'connection lost');
    const known = new Set(fake.state.tasks.keys());
    const booted = fake.events.waitFor(
      'task-status',
      (e) => !known.has(e.taskId) && e.status === 'processing',
      10_000,
    );
    create.release();
    const { taskId } = await booted; // the platform runs a task nobody knows of

    const stopped = fake.events.waitFor(
      'task-status',
      (e) => e.taskId === taskId && e.status === 'finished',
      30_000,
    );
    await relaypool.start(); // the next start lists the account's active tasks (protocol §4.3)
    await stopped;
  });
});
