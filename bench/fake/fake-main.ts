/**
 * Bench child: the fake MonkeyCode upstream in the benchmark profile (no VM boot delay, a fixed
 * reply, no step delays, rare pings), driven by the bench over IPC. Config comes as JSON in
 * `BENCH_FAKE_CONFIG`.
 */
import { z } from 'zod';
import { startFakeUpstream } from '../../test/fake-upstream/index.js';
import { agentKindSchema } from '../ipc/messages.js';
import { processStats } from '../ipc/process-stats.js';
import { serveCommands } from '../ipc/serve-commands.js';
import { benchAgent } from './bench-agents.js';
import { activeTasksByUser, pruneFake, SlotSampler } from './fake-housekeeping.js';
import { runZeroDelayTimersAsImmediates } from './instant-boot.js';

const configSchema = z.object({
  replyChars: z.number().int().positive(),
  replyChunks: z.number().int().positive(),
  paceMs: z.number().int().nonnegative(),
  pingIntervalMs: z.number().int().positive(),
});
const addUsersSchema = z.object({
  count: z.number().int().positive(),
  concurrencyLimit: z.number().int().positive(),
  prefix: z.string(),
});
const setAgentSchema = z.object({ kind: agentKindSchema });
const slotsSchema = z.object({
  limits: z.record(z.string(), z.number().int().positive()),
  intervalMs: z.number().positive(),
});

async function main(): Promise<void> {
  const config = configSchema.parse(JSON.parse(process.env.BENCH_FAKE_CONFIG ?? '{}'));
  const shape = { chars: config.replyChars, chunks: config.replyChunks };
  runZeroDelayTimersAsImmediates();
  const fake = await startFakeUpstream({
    bootDelayMs: 0,
    stepDelayMs: 0,
    pingIntervalMs: config.pingIntervalMs,
    captcha: { enabled: false },
    concurrencyLimit: 1,
    agent: benchAgent('fixed', shape, config.paceMs),
  });
  let sampler: SlotSampler | null = null;
  serveCommands(fake.url, {
    'add-users': (args) => {
      const { count, concurrencyLimit, prefix } = addUsersSchema.parse(args);
      return Array.from({ length: count }, (_, i) => {
        const user = fake.addUser({
          email: `${prefix}${i}@bench.example`,
          password: 'pw',
          plan: 'pro',
          concurrencyLimit,
        });
        return { userId: user.id, cookie: fake.issueSession(user.id) };
      });
    },
    'set-agent': (args) => fake.setAgent(benchAgent(setAgentSchema.parse(args).kind, shape, config.paceMs)),
    active: () => [...activeTasksByUser(fake).values()].reduce((a, b) => a + b, 0),
    prune: () => pruneFake(fake),
    'slots-start': (args) => {
      const { limits, intervalMs } = slotsSchema.parse(args);
      sampler = new SlotSampler(fake, new Map(Object.entries(limits)));
      sampler.start(intervalMs);
    },
    'slots-stop': () => {
      const result = sampler?.stop() ?? { utilisation: 0, samples: 0 };
      sampler = null;
      return result;
    },
    stats: () => processStats(),
    shutdown: async () => {
      await fake.close();
      process.exit(0);
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench fake: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
