import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BenchChild } from './ipc/child-process.js';
import { buildProxy } from './proxy/build-proxy.js';
import {
  benchUserSchema,
  processStatsSchema,
  proxyStatsSchema,
  type AgentKind,
  type BenchUser,
  type ProcessStats,
  type ProxyStats,
} from './ipc/messages.js';

const FAKE_MAIN = fileURLToPath(new URL('./fake/fake-main.ts', import.meta.url));

/** The relaypool poll interval the bench uses, and the direct client copies. */
export const POLL_INTERVAL_MS = 10;

/** The V8 flags `npm start` runs relaypool with (package.json; README "Memory"). */
export const PROXY_NODE_FLAGS = ['--max-semi-space-size=2'];

/** What a rig is started with. */
export interface RigOptions extends ProxyOptions {
  /** Fake users, each added to relaypool as one account. */
  accounts: number;
  /** Fake `concurrencyLimit` per user; default `slotsPerAccount`. */
  upstreamSlotsPerUser?: number;
  replyChars: number;
  replyChunks: number;
  paceMs: number;
}

/** A fake upstream process and a relaypool process pointed at it, with the accounts added. */
export interface Rig {
  fake: BenchChild;
  proxy: BenchChild;
  users: BenchUser[];
  /** The model name requests use. */
  model: string;
  proxyStats(reset: boolean): Promise<ProxyStats>;
  proxyAfterGc(): Promise<ProcessStats>;
  /** Write a heap snapshot of relaypool (after a forced GC) to `file`. */
  proxyHeapSnapshot(file: string): Promise<void>;
  fakeStats(): Promise<ProcessStats>;
  setAgent(kind: AgentKind): Promise<void>;
  /** Wait until the fake has no pending/processing task (relaypool stops tasks in the background), then prune it. */
  settle(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** A relaypool process of a rig: its database and profile. */
export interface ProxyOptions {
  /** relaypool account `maxConcurrency` (1: the pool default). */
  slotsPerAccount: number;
  /** Directory for `--cpu-prof` output; null: no profile. */
  profileDir: string | null;
  /** `RELAYPOOL_DB`: a PostgreSQL URL; null: a SQLite file in a fresh temporary directory. */
  db?: string | null;
}

/** Start the fake and relaypool as two processes and register `accounts` accounts. */
export async function startRig(options: RigOptions): Promise<Rig> {
  const fake = await BenchChild.start({
    script: FAKE_MAIN,
    env: {
      BENCH_FAKE_CONFIG: JSON.stringify({
        replyChars: options.replyChars,
        replyChunks: options.replyChunks,
        paceMs: options.paceMs,
        pingIntervalMs: 20_000,
      }),
    },
  });
  try {
    const users = await fake.call(
      'add-users',
      {
        count: options.accounts,
        concurrencyLimit: options.upstreamSlotsPerUser ?? options.slotsPerAccount,
        prefix: 'bench',
      },
      z.array(benchUserSchema),
    );
    const { proxy, model } = await startProxy(fake.url, users, options);
    return rigOf(fake, proxy, users, model, async () => {
      await proxy.stop();
      await fake.stop();
    });
  } catch (err) {
    await fake.stop();
    throw err;
  }
}

/**
 * Another relaypool on the same fake with the same accounts (e.g. on another database), measured
 * on its own; closing the returned rig stops only that relaypool.
 */
export async function addProxy(rig: Rig, options: ProxyOptions): Promise<Rig> {
  const { proxy, model } = await startProxy(rig.fake.url, rig.users, options);
  return rigOf(rig.fake, proxy, rig.users, model, () => proxy.stop());
}

/** Start relaypool against the fake at `fakeUrl` and add one account per fake user. */
async function startProxy(
  fakeUrl: string,
  users: readonly BenchUser[],
  options: ProxyOptions,
): Promise<{ proxy: BenchChild; model: string }> {
  const proxy = await BenchChild.start({
    script: buildProxy(),
    nodeFlags: [
      ...PROXY_NODE_FLAGS,
      '--expose-gc',
      ...(options.profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`]),
    ],
    env: {
      BENCH_PROXY_CONFIG: JSON.stringify({
        upstreamUrl: fakeUrl,
        maxConcurrentPerAccount: 1,
        logLevel: 'info',
        pollIntervalMs: POLL_INTERVAL_MS,
        db: options.db ?? null,
      }),
    },
  });
  try {
    const slots = options.slotsPerAccount > 1 ? options.slotsPerAccount : undefined;
    const { model } = await proxy.call(
      'add-accounts',
      { cookies: users.map((u) => u.cookie), maxConcurrency: slots },
      z.object({ model: z.string() }),
      300_000,
    );
    return { proxy, model };
  } catch (err) {
    await proxy.stop();
    throw err;
  }
}

function rigOf(
  fake: BenchChild,
  proxy: BenchChild,
  users: BenchUser[],
  model: string,
  close: () => Promise<void>,
): Rig {
  const active = z.number();
  return {
    fake,
    proxy,
    users,
    model,
    proxyStats: (reset) => proxy.call('stats', { reset }, proxyStatsSchema),
    proxyAfterGc: () => proxy.call('gc', null, processStatsSchema),
    proxyHeapSnapshot: async (file) => {
      await proxy.call('heap-snapshot', { file }, z.object({ file: z.string() }), 120_000);
    },
    fakeStats: () => fake.call('stats', null, processStatsSchema),
    setAgent: async (kind) => {
      await fake.call('set-agent', { kind }, z.unknown());
    },
    settle: async (timeoutMs = 15_000) => {
      const deadline = performance.now() + timeoutMs;
      let left = await fake.call('active', null, active);
      while (left > 0 && performance.now() < deadline) {
        await sleep(20);
        left = await fake.call('active', null, active);
      }
      await fake.call('prune', null, z.number());
      return left;
    },
    close,
  };
}
