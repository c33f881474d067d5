import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { z } from 'zod';
import { BenchChild } from '../ipc/child-process.js';
import { benchUserSchema } from '../ipc/messages.js';
import { closedLoop } from '../load/closed-loop.js';
import { relayRequest } from '../load/relay-request.js';
import { buildProxy } from '../proxy/build-proxy.js';
import { median, percentile, round } from '../report/stats.js';
import { PROXY_NODE_FLAGS } from '../rig.js';

const FAKE_MAIN = fileURLToPath(new URL('../fake/readiness-fake-main.ts', import.meta.url));

/** How soon relaypool sees a booted task, for one VM boot delay. */
export interface ReadinessResult {
  bootMs: number;
  tasks: number;
  /** From the task turning `processing` to its task stream being opened (fake's clock). */
  lagP50Ms: number;
  lagP99Ms: number;
  /** Status reads per task before its stream opened. */
  readsMedian: number;
  readsMax: number;
  failures: number;
}

/** The boot delays of the scenario and the tasks run per delay (the first `warmup` teach the schedule). */
export interface ReadinessShape {
  bootsMs: number[];
  concurrency: number;
  warmupTasks: number;
  tasks: number;
}

const traceSchema = z.array(z.object({ lagMs: z.number(), reads: z.number() }));

/**
 * A fresh fake (boot delay set per phase) and a fresh relaypool with its default readiness
 * settings; for each boot delay, `warmupTasks` requests to let the schedule learn, then `tasks`
 * measured ones, `concurrency` at a time on as many accounts.
 */
export async function runReadiness(
  shape: ReadinessShape,
  log: (line: string) => void,
): Promise<ReadinessResult[]> {
  const fake = await BenchChild.start({ script: FAKE_MAIN });
  const proxy = await BenchChild.start({
    script: buildProxy(),
    nodeFlags: PROXY_NODE_FLAGS,
    // pollIntervalMs: the default back-off ceiling (config.example.yaml).
    env: {
      BENCH_PROXY_CONFIG: JSON.stringify({
        upstreamUrl: fake.url,
        maxConcurrentPerAccount: 1,
        logLevel: 'info',
        pollIntervalMs: 1000,
      }),
    },
  }).catch(async (err: unknown) => {
    await fake.stop();
    throw err;
  });
  const pool = new Pool(proxy.url, { connections: shape.concurrency });
  try {
    const users = await fake.call('add-users', { count: shape.concurrency }, z.array(benchUserSchema));
    const { model } = await proxy.call(
      'add-accounts',
      { cookies: users.map((u) => u.cookie) },
      z.object({ model: z.string() }),
      120_000,
    );
    const send = () =>
      relayRequest({
        dispatcher: pool,
        origin: proxy.url,
        model,
        prompt: 'boot',
        stream: true,
        expectedText: null,
      });
    const results: ReadinessResult[] = [];
    for (const bootMs of shape.bootsMs) {
      await fake.call('set-boot', { ms: bootMs }, z.unknown());
      const maxWallMs = 600_000;
      await closedLoop({ concurrency: shape.concurrency, total: shape.warmupTasks, maxWallMs }, send);
      await fake.call('traces', null, traceSchema);
      const outcome = await closedLoop(
        { concurrency: shape.concurrency, total: shape.tasks, maxWallMs },
        send,
      );
      const traces = await fake.call('traces', null, traceSchema);
      const lags = traces.map((t) => t.lagMs);
      const reads = traces.map((t) => t.reads);
      const result = {
        bootMs,
        tasks: traces.length,
        lagP50Ms: round(percentile(lags, 50), 1),
        lagP99Ms: round(percentile(lags, 99), 1),
        readsMedian: median(reads),
        readsMax: Math.max(0, ...reads),
        failures: Object.values(outcome.failures).reduce((a, b) => a + b, 0),
      };
      log(
        `  boot ${bootMs} ms: stream opened ${result.lagP50Ms} ms (p99 ${result.lagP99Ms}) after processing, ${result.readsMedian} status reads per task (max ${result.readsMax}), ${result.tasks} tasks${result.failures > 0 ? `, ${result.failures} failed` : ''}`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await pool.close();
    await proxy.stop();
    await fake.stop();
  }
}
