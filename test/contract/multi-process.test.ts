/**
 * Several `relaypool serve` processes on one database (issue #12): real child processes, the real
 * SDK, the fake MonkeyCode with one concurrent task per account (docs/monkeycode-protocol.md §7).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startFakeUpstream, steps, type FakeUpstream } from '../fake-upstream/index.js';
import { freshPostgresUrl } from '../support/postgres-server.js';

const CLI = new URL('../../src/cli/index.ts', import.meta.url).pathname;
const TTL_MS = 3000;

interface Serve {
  child: ChildProcess;
  url: string;
  client: OpenAI;
  exited: Promise<number | null>;
  output: () => string;
}

/** `relaypool serve` on a free port over `db`; resolves once it listens. */
async function serve(fake: FakeUpstream, db: string, env: Record<string, string> = {}): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--db', db], {
    env: {
      ...process.env,
      RELAYPOOL_UPSTREAM_URL: fake.url,
      RELAYPOOL_SECRET_KEY: 'multi-process-test-key',
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '10',
      RELAYPOOL_POOL_PROCESS_TTL_MS: String(TTL_MS),
      RELAYPOOL_POOL_WATCH_INTERVAL_MS: '100',
      RELAYPOOL_LOG_LEVEL: 'info',
      RELAYPOOL_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = /relaypool listening on (http:\/\/127\.0\.0\.1:\d+)/;
  while (!listening.test(out)) {
    const what = await Promise.race([
      once(child.stdout, 'data').then(() => 'data'),
      exited.then(() => 'exit'),
    ]);
    if (what === 'exit') throw new Error(`serve exited at start: ${out}`);
  }
  const url = listening.exec(out)?.[1] ?? '';
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
  return { child, url, client, exited, output: () => out };
}

/** Run the CLI against `db` and return its stdout. */
async function cli(args: string[], db: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--db', db], {
    env: { ...process.env, RELAYPOOL_SECRET_KEY: 'multi-process-test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, out);
  return out;
}

type Backend = 'sqlite' | 'postgres';

/** A fake with `accounts` users, two relaypool processes on one database, accounts added via one. */
async function fleet(
  t: { after: (fn: () => Promise<void>) => void },
  accounts: number,
  backend: Backend,
  env: Record<string, string> = {},
) {
  const fake = await startFakeUpstream({
    bootDelayMs: 5,
    pingIntervalMs: 1000,
    stepDelayMs: 20,
    captcha: { enabled: false },
  });
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-fleet-'));
  const db = backend === 'sqlite' ? join(dir, 'relaypool.db') : await freshPostgresUrl();
  const procs: Serve[] = [];
  t.after(async () => {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await Promise.all(procs.map((proc) => proc.exited));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  procs.push(await serve(fake, db, env), await serve(fake, db, env));
  const [a] = procs;
  let model = '';
  for (let i = 0; i < accounts; i++) {
    const user = fake.addUser({ email: `user${i}@example.com`, password: 'pw', plan: 'pro' });
    const res = await fetch(`${a?.url}/admin/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cookie: fake.issueSession(user.id), label: `acc${i}` }),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    const body = JSON.parse(text) as { models: string[] };
    model = body.models.find((name) => name.startsWith('monkeycode-basic/')) ?? '';
  }
  /** Task creations the fake refused with 10811 (a create that made no task). */
  const refusedCreates = (): number =>
    fake.requests.filter((r) => r.kind === 'http' && r.method === 'POST' && r.path.endsWith('/users/tasks'))
      .length - fake.state.tasks.size;
  return { fake, db, procs, model, refusedCreates };
}

/** Poll `read` until `ok` holds for its value (waiting on another process: there is no event to await). */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`several processes on ${backend}`, () => {
    test('two processes share three one-slot accounts: 12 concurrent requests all succeed, no 10811', async (t) => {
      const { procs, model, refusedCreates, fake } = await fleet(t, 3, backend);
      let maxActive = 0;
      fake.events.on('task-status', () => {
        const active = new Map<string, number>();
        for (const task of fake.state.tasks.values())
          if (task.status === 'pending' || task.status === 'processing')
            active.set(task.userId, (active.get(task.userId) ?? 0) + 1);
        maxActive = Math.max(maxActive, ...active.values());
      });
      const requests = Array.from({ length: 12 }, (_, i) =>
        procs[i % 2]!.client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: `question ${i}` }],
        }),
      );
      const answers = await Promise.all(requests);
      assert.equal(answers.length, 12);
      for (const answer of answers) assert.equal(answer.choices[0]?.finish_reason, 'stop');
      assert.equal(refusedCreates(), 0, 'the fake never answered 10811');
      assert.ok(maxActive <= 1, `at most one active task per account (saw ${maxActive})`);
    });

    test('SIGKILL one process mid-stream: a survivor stops its task, and its slot serves again', async (t) => {
      const { procs, model, fake, refusedCreates } = await fleet(t, 1, backend);
      const [victim, survivor] = procs;
      fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('working'), steps.hang()]);
      const stream = await victim!.client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'long job' }],
      });
      const iterator = stream[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).done, false);
      const task = [...fake.state.tasks.values()].at(-1)!;
      assert.equal(task.status, 'processing');
      await until(
        async () =>
          (await (await fetch(`${survivor!.url}/admin/pool/status`)).json()) as {
            elsewhere: number;
            accounts: Array<{ status: string }>;
          },
        (status) => status.elsewhere === 1 && status.accounts[0]?.status === 'locked',
        "the survivor's status to show the slot the other process uses",
      );
      victim!.child.kill('SIGKILL');
      await victim!.exited;
      await assert.rejects(async () => {
        for (let r = await iterator.next(); !r.done; r = await iterator.next());
      });
      // The survivor notices the missing heartbeat, stops the task and frees the slot.
      await fake.waitForTaskStatus(task.id, 'finished', 30_000);
      const answer = await survivor!.client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'after the crash' }],
      });
      assert.equal(answer.choices[0]?.finish_reason, 'stop');
      assert.equal(refusedCreates(), 0, 'the account was not used while the dead task ran');
      assert.match(survivor!.output(), /stopping upstream tasks left by an earlier process/);
    });

    test('a model only an account added through another process serves is served at once', async (t) => {
      // No watch tick in this test: the other process sees the account only because a model it
      // does not know makes it look at the database before answering 404.
      const { procs, model } = await fleet(t, 1, backend, { RELAYPOOL_POOL_WATCH_INTERVAL_MS: '600000' });
      const [, second] = procs;
      const reply = await second!.client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hello from the other process' }],
      });
      assert.equal(reply.choices[0]?.finish_reason, 'stop');
      assert.ok((await second!.client.models.list()).data.some((m) => m.id === model));
      await assert.rejects(
        second!.client.chat.completions.create({
          model: 'no-such-model',
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: unknown) =>
          err instanceof OpenAI.APIError && err.status === 404 && err.code === 'model_not_found',
      );
    });

    test('a CLI change reaches every process', async (t) => {
      const { procs, db } = await fleet(t, 2, backend);
      const status = async (proc: Serve) =>
        (await (await fetch(`${proc.url}/admin/pool/status`)).json()) as {
          accounts: Array<{ label: string; status: string }>;
        };
      await cli(['accounts', 'disable', '1'], db);
      for (const proc of procs)
        await until(
          () => status(proc),
          (s) => s.accounts.find((a) => a.label === 'acc0')?.status === 'disabled',
          'acc0 disabled',
        );
    });

    test('a conversation kept idle by one process goes on from another, on the same upstream task', async (t) => {
      const { procs, model, fake, refusedCreates } = await fleet(t, 1, backend);
      const [first, second] = procs;
      const opening = await first!.client.responses.create({ model, input: 'remember the word kiwi' });
      assert.equal(opening.status, 'completed');
      const kept = [...fake.state.tasks.values()].at(-1)!;
      assert.equal(kept.status, 'processing', 'the first process keeps the task idle for the conversation');
      const tasksBefore = fake.state.tasks.size;
      // Back and forth: each follow-up lands on the other process, which takes the task over.
      let previous = opening.id;
      for (const [turn, proc] of [second, first, second].entries()) {
        const next = await proc!.client.responses.create({
          model,
          previous_response_id: previous,
          input: `turn ${turn}`,
        });
        assert.equal(next.status, 'completed');
        assert.equal(
          fake.state.tasks.size,
          tasksBefore,
          'no new task: the other process handed its task over',
        );
        assert.equal(kept.turns.length, turn + 2, 'the follow-up ran on the kept task');
        previous = next.id;
      }
      assert.equal(refusedCreates(), 0);
    });

    test('a 10811 seen by one process cools the account for every process', async (t) => {
      const { procs, model, fake } = await fleet(t, 1, backend);
      const [first, second] = procs;
      fake.faults.failNextCreate({ code: 10811 });
      await assert.rejects(
        first!.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'busy?' }] }),
        (err: unknown) => err instanceof OpenAI.APIError && err.status === 429,
      );
      const status = await until(
        async () =>
          (await (await fetch(`${second!.url}/admin/pool/status`)).json()) as {
            accounts: Array<{ status: string; cooldownUntil: number | null }>;
          },
        (s) => s.accounts[0]?.status === 'cooling',
        'the other process to see the cooldown',
      );
      assert.ok((status.accounts[0]?.cooldownUntil ?? 0) > Date.now());
    });
  });
}
