import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '../fake-upstream/index.js';
import { captureLogger } from './log-capture.js';

export interface Harness {
  fake: FakeUpstream;
  server: RunningServer;
  /**
   * The server's SQLite database through a second, synchronous connection: for checks that read
   * committed rows in one step (inside `until`).
   */
  store: Store;
  /** The server's SQLite file (for the CLI, or a second relaypool over the same pool). */
  db: string;
  client: OpenAI;
  /** A model the demo account may use. */
  model: string;
  logs: () => string;
  /**
   * Wait until every task the fake knows is stopped (`finished`) or kept idle by relaypool for a
   * conversation (recorded `idle`: it holds its slot on purpose and is stopped on eviction, TTL or
   * shutdown). Nothing may be left serving.
   */
  allTasksStopped: () => Promise<void>;
  /**
   * Wait until `check` holds: it is re-checked whenever the fake answers a request or changes a
   * task's status and whenever relaypool changes a task row. Fails after 10 s naming `what`.
   */
  until: (what: string, check: () => boolean) => Promise<void>;
  /** Wait until every task the fake knows is `finished`, kept ones included. */
  allTasksFinished: () => Promise<void>;
  /** Upstream ids of the tasks relaypool keeps idle now. */
  idleTasks: () => string[];
  close: () => Promise<void>;
}

/** relaypool on a free port, against a fresh fake MonkeyCode with one logged-in account. */
export async function startHarness(
  options: {
    fake?: FakeUpstreamOptions;
    env?: Record<string, string>;
    yaml?: string;
    accounts?: number;
  } = {},
): Promise<Harness> {
  const fake = await startFakeUpstream({
    bootDelayMs: 5,
    pingIntervalMs: 1000,
    stepDelayMs: 1,
    captcha: { enabled: false },
    ...options.fake,
  });
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-contract-'));
  if (options.yaml !== undefined) writeFileSync(join(dir, 'config.yaml'), options.yaml);
  const { config } = loadConfig({
    cwd: dir,
    env: {
      RELAYPOOL_UPSTREAM_URL: fake.url,
      RELAYPOOL_DB: join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'contract-test-key',
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '10',
      RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '2000',
      ...options.env,
    },
    flags: { 'server.port': 0 },
  });
  const log = captureLogger('debug');
  const server = await startServer({ config, logger: log.logger });
  let model = '';
  for (let i = 0; i < (options.accounts ?? 1); i++) {
    const user = fake.addUser({ email: `user${i}@example.com`, password: 'pw', plan: 'pro' });
    const check = await server.services.accounts.addCookie(fake.issueSession(user.id), { label: `acc${i}` });
    model =
      check.discovery.allowedModels.find((m) => m.name.startsWith('monkeycode-basic/'))?.name ??
      check.discovery.allowedModels[0]!.name;
  }
  const client = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
    timeout: 20_000,
  });
  const store = openStore({ file: config.store.db, secretKey: config.store.secretKey ?? undefined });
  const idleTasks = (): string[] =>
    store.tasks
      .listNeedingStop('all')
      .filter((task) => task.state === 'idle' && task.upstreamTaskId !== null)
      .map((task) => task.upstreamTaskId ?? '');
  const serving = (): string[] => {
    const kept = new Set(idleTasks());
    return [...fake.state.tasks.values()]
      .filter((task) => (task.status === 'pending' || task.status === 'processing') && !kept.has(task.id))
      .map((task) => task.id);
  };
  // What changes tasks: the fake's requests and task statuses, and relaypool's task rows (a task
  // kept idle for its conversation is a row change that no fake event follows). Each change
  // re-checks the waits once the code that made it has finished its synchronous step.
  const waits = new Set<() => void>();
  const changed = (): void =>
    queueMicrotask(() => {
      for (const check of [...waits]) check();
    });
  fake.events.on('task-status', changed);
  fake.events.on('request', changed);
  const tasksRepo = server.services.store.tasks;
  const setState = tasksRepo.setState.bind(tasksRepo);
  const markStopped = tasksRepo.markStopped.bind(tasksRepo);
  tasksRepo.setState = async (...args) => {
    const row = await setState(...args);
    changed();
    return row;
  };
  tasksRepo.markStopped = async (...args) => {
    const row = await markStopped(...args);
    changed();
    return row;
  };
  const until = (what: string, check: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const settle = (error: Error | null): void => {
        waits.delete(recheck);
        clearTimeout(timer);
        if (error === null) resolve();
        else reject(error);
      };
      const recheck = (): void => {
        if (check()) settle(null);
      };
      const timer = setTimeout(
        () => settle(check() ? null : new Error(`timed out waiting for ${what}`)),
        10_000,
      );
      waits.add(recheck);
      recheck();
    });
  const allTasksStopped = async (): Promise<void> => {
    try {
      await until('every task to stop or be kept', () => serving().length === 0);
    } catch {
      throw new Error(`tasks still serving: ${serving().join(', ')}`);
    }
  };
  const allTasksFinished = async (): Promise<void> => {
    for (const task of fake.state.tasks.values()) {
      if (task.status === 'pending' || task.status === 'processing')
        await fake.waitForTaskStatus(task.id, 'finished', 10_000);
    }
  };
  return {
    fake,
    server,
    store,
    db: config.store.db,
    client,
    model,
    logs: log.text,
    allTasksStopped,
    until,
    allTasksFinished,
    idleTasks,
    close: async () => {
      await server.close('test');
      store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
