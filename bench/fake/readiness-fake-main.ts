/**
 * Bench child: the fake MonkeyCode upstream with a VM boot delay set per phase, recording per task
 * when it turned `processing`, when its task stream was opened and how many status reads
 * (`GET /api/v1/users/tasks/{id}`) came before that — the readiness scenario's raw figures.
 */
import { z } from 'zod';
import { startFakeUpstream } from '../../test/fake-upstream/index.js';
import { processStats } from '../ipc/process-stats.js';
import { serveCommands } from '../ipc/serve-commands.js';
import { benchAgent } from './bench-agents.js';
import { runZeroDelayTimersAsImmediates } from './instant-boot.js';

const addUsersSchema = z.object({ count: z.number().int().positive() });
const bootSchema = z.object({ ms: z.number().int().nonnegative() });

/** What the fake saw of one task (times: this process's `performance.now()`). */
interface TaskTrace {
  processingAt: number | null;
  streamAt: number | null;
  readsBeforeStream: number;
}

const STATUS_READ = /^\/api\/v1\/users\/tasks\/([0-9a-f-]{36})$/;

async function main(): Promise<void> {
  // "Boot delay 0" means ready before the first read (see instant-boot.ts).
  runZeroDelayTimersAsImmediates();
  const fake = await startFakeUpstream({
    bootDelayMs: 0,
    stepDelayMs: 0,
    pingIntervalMs: 20_000,
    captcha: { enabled: false },
    concurrencyLimit: 1,
    agent: benchAgent('fixed', { chars: 256, chunks: 4 }, 0),
  });
  let traces = new Map<string, TaskTrace>();
  const trace = (taskId: string): TaskTrace => {
    let t = traces.get(taskId);
    if (t === undefined)
      traces.set(taskId, (t = { processingAt: null, streamAt: null, readsBeforeStream: 0 }));
    return t;
  };
  fake.events.on('task-status', (e) => {
    if (e.status === 'processing') trace(e.taskId).processingAt ??= performance.now();
  });
  fake.events.on('socket-opened', (e) => {
    if (e.path.endsWith('/tasks/stream')) trace(e.taskId).streamAt ??= performance.now();
  });
  fake.events.on('request', (entry) => {
    if (entry.kind !== 'http' || entry.method !== 'GET') return;
    const id = STATUS_READ.exec(entry.path)?.[1];
    if (id === undefined) return;
    const t = trace(id);
    if (t.streamAt === null) t.readsBeforeStream += 1;
  });
  serveCommands(fake.url, {
    'add-users': (args) => {
      const { count } = addUsersSchema.parse(args);
      return Array.from({ length: count }, (_, i) => {
        const user = fake.addUser({
          email: `ready${i}@bench.example`,
          password: 'pw',
          plan: 'pro',
          concurrencyLimit: 1,
        });
        return { userId: user.id, cookie: fake.issueSession(user.id) };
      });
    },
    'set-boot': (args) => {
      fake.options.bootDelayMs = bootSchema.parse(args).ms;
    },
    /** Traces of the tasks that opened their stream since the last call; the rest stay. */
    traces: () => {
      const done = [...traces.values()].filter((t) => t.processingAt !== null && t.streamAt !== null);
      traces = new Map([...traces].filter(([, t]) => t.streamAt === null));
      return done.map((t) => ({
        lagMs: (t.streamAt ?? 0) - (t.processingAt ?? 0),
        reads: t.readsBeforeStream,
      }));
    },
    stats: () => processStats(),
    shutdown: async () => {
      await fake.close();
      process.exit(0);
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench readiness fake: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
