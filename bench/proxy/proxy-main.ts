/**
 * Bench child: relaypool itself (the real `startServer` composition root and logger), against the
 * bench fake. Reports its own CPU, memory and event-loop delay over IPC. Config comes as JSON in
 * `BENCH_PROXY_CONFIG`; logs go to stdout like `relaypool serve` (the bench discards them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/start.js';
import { createLogger } from '../../src/util/logger.js';
import { processStats } from '../ipc/process-stats.js';
import { serveCommands } from '../ipc/serve-commands.js';
import { StageRecorder } from '../trace/stage-recorder.js';

const configSchema = z.object({
  upstreamUrl: z.string(),
  maxConcurrentPerAccount: z.number().int().positive(),
  logLevel: z.string(),
  pollIntervalMs: z.number().int().positive(),
  /** A PostgreSQL URL; null: a SQLite file in this process's temporary directory. */
  db: z.string().nullable().default(null),
});
const addAccountsSchema = z.object({
  cookies: z.array(z.string()),
  maxConcurrency: z.number().int().positive().optional(),
});
const statsSchema = z.object({ reset: z.boolean() });
const snapshotSchema = z.object({ file: z.string() });

const nsToMs = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);

function collectGarbage(): void {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') {
    const run = gc as () => void;
    run();
    run();
  }
}

async function main(): Promise<void> {
  const settings = configSchema.parse(JSON.parse(process.env.BENCH_PROXY_CONFIG ?? '{}'));
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-bench-'));
  const { config } = loadConfig({
    cwd: dir,
    env: {
      RELAYPOOL_UPSTREAM_URL: settings.upstreamUrl,
      RELAYPOOL_DB: settings.db ?? join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'ab'.repeat(32),
      RELAYPOOL_LOG_LEVEL: settings.logLevel,
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: String(settings.pollIntervalMs),
      RELAYPOOL_POOL_MAX_CONCURRENT_PER_ACCOUNT: String(settings.maxConcurrentPerAccount),
      // The same work as the direct client (create → … → stop per request): no task is kept for a
      // conversation. Continuity is measured by test/contract/boot-skip.test.ts.
      RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '0',
    },
    flags: { 'server.port': 0 },
  });
  const server = await startServer({ config, logger: createLogger({ level: config.log.level }) });
  // Start-up as a sidecar sees it: from process start (performance's time origin) to /health answering.
  // node:http, not fetch: touching the global fetch would change which undici relaypool dispatches through.
  await new Promise<void>((resolve, reject) => {
    get(`${server.url}/health`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  const startupMs = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const recorder = new StageRecorder();
  let added = 0;
  loop.enable();
  serveCommands(server.url, {
    'add-accounts': async (args) => {
      const { cookies, maxConcurrency } = addAccountsSchema.parse(args);
      let model = '';
      for (const cookie of cookies) {
        added += 1;
        const check = await server.services.accounts.addCookie(cookie, {
          label: `bench${added}`,
          maxConcurrency,
        });
        const names = check.discovery.allowedModels.map((m) => m.name);
        model = names.find((name) => name.startsWith('monkeycode-basic/')) ?? names[0] ?? '';
      }
      return { model };
    },
    stats: (args) => {
      const { reset } = statsSchema.parse(args);
      const result = {
        ...processStats(),
        eldP50Ms: nsToMs(loop.percentile(50)),
        eldP99Ms: nsToMs(loop.percentile(99)),
        eldMaxMs: nsToMs(loop.max),
        startupMs,
        monoUs: Number(process.hrtime.bigint() / 1000n),
      };
      if (reset) loop.reset();
      return result;
    },
    gc: () => {
      collectGarbage();
      return processStats();
    },
    'heap-snapshot': (args) => {
      collectGarbage();
      return { file: writeHeapSnapshot(snapshotSchema.parse(args).file) };
    },
    'trace-start': () => {
      recorder.start();
      return {};
    },
    'trace-take': () => recorder.stop(),
    shutdown: async () => {
      loop.disable();
      await server.close('bench');
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench proxy: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
