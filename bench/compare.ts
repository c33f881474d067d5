/**
 * `npx tsx bench/compare.ts --base DIR [--requests N] [--concurrency C] [--stream|--non-stream]`:
 * A/B two relaypool checkouts on ONE fake, requests interleaved A, B, A, B… so a noisy shared
 * machine slows both alike. DIR is another checkout (with this `bench/` folder copied in); this
 * checkout is B. Prints p50/p99 latency and CPU per request of each, and B − A.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { z } from 'zod';
import { replyText } from './fake/bench-agents.js';
import { BenchChild } from './ipc/child-process.js';
import { benchUserSchema, processStatsSchema } from './ipc/messages.js';
import { cpuMsBetween } from './ipc/process-stats.js';
import { closedLoop } from './load/closed-loop.js';
import { relayRequest } from './load/relay-request.js';
import type { RequestSample } from './load/samples.js';
import { buildProxy } from './proxy/build-proxy.js';
import { percentile, round } from './report/stats.js';
import { POLL_INTERVAL_MS, PROXY_NODE_FLAGS } from './rig.js';

function buildOther(root: string): string {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'bench/tsconfig.proxy.json')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`compiling ${root} failed`);
  copyFileSync(join(root, 'package.json'), join(root, '.bench/proxy/package.json'));
  return join(root, '.bench/proxy/bench/proxy/proxy-main.js');
}

async function startProxy(
  entry: string,
  upstreamUrl: string,
  cookie: string,
): Promise<{ child: BenchChild; model: string }> {
  const child = await BenchChild.start({
    script: entry,
    // The V8 flags of `npm start`, as in `npm run bench`: young-generation size changes CPU per request.
    nodeFlags: PROXY_NODE_FLAGS,
    env: {
      BENCH_PROXY_CONFIG: JSON.stringify({
        upstreamUrl,
        maxConcurrentPerAccount: 1,
        logLevel: 'info',
        pollIntervalMs: POLL_INTERVAL_MS,
      }),
    },
  });
  const { model } = await child.call('add-accounts', { cookies: [cookie] }, z.object({ model: z.string() }));
  return { child, model };
}

const summary = (samples: RequestSample[], cpuMs: number) => ({
  ok: samples.length,
  ttfbP50: round(
    percentile(
      samples.map((s) => s.ttfbMs),
      50,
    ),
    3,
  ),
  ttfbP99: round(
    percentile(
      samples.map((s) => s.ttfbMs),
      99,
    ),
    3,
  ),
  totalP50: round(
    percentile(
      samples.map((s) => s.totalMs),
      50,
    ),
    3,
  ),
  totalP99: round(
    percentile(
      samples.map((s) => s.totalMs),
      99,
    ),
    3,
  ),
  cpuMsPerReq: round(cpuMs / Math.max(1, samples.length), 3),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      'non-stream': { type: 'boolean' },
    },
  });
  if (values.base === undefined) throw new Error('--base DIR is required');
  const requests = Number(values.requests ?? 1000);
  const concurrency = Number(values.concurrency ?? 1);
  const stream = values['non-stream'] !== true;
  const shape = { chars: 2048, chunks: 32 };
  const entries = { A: buildOther(resolve(values.base)), B: buildProxy() };
  const fake = await BenchChild.start({
    script: fileURLToPath(new URL('./fake/fake-main.ts', import.meta.url)),
    env: {
      BENCH_FAKE_CONFIG: JSON.stringify({
        replyChars: shape.chars,
        replyChunks: shape.chunks,
        paceMs: 0,
        pingIntervalMs: 20_000,
      }),
    },
  });
  const users = await fake.call(
    'add-users',
    { count: 2 * concurrency, concurrencyLimit: 2, prefix: 'ab' },
    z.array(benchUserSchema),
  );
  const a = await startProxy(entries.A, fake.url, users[0]?.cookie ?? '');
  const b = await startProxy(entries.B, fake.url, users[1]?.cookie ?? '');
  for (const [i, user] of users.slice(2).entries()) {
    await (i % 2 === 0 ? a : b).child.call(
      'add-accounts',
      { cookies: [user.cookie] },
      z.object({ model: z.string() }),
    );
  }
  const pools = {
    A: new Pool(a.child.url, { connections: concurrency }),
    B: new Pool(b.child.url, { connections: concurrency }),
  };
  const expectedText = replyText(shape);
  const target = (side: 'A' | 'B') => ({
    dispatcher: pools[side],
    origin: (side === 'A' ? a : b).child.url,
    model: a.model,
    prompt: 'ab',
    stream,
    expectedText,
  });
  const samples: Record<'A' | 'B', RequestSample[]> = { A: [], B: [] };
  const pair = async (): Promise<RequestSample> => {
    for (const side of ['A', 'B'] as const) samples[side].push(await relayRequest(target(side)));
    return { ttfbMs: 0, totalMs: 0, chunks: 0, chars: 0 };
  };
  await closedLoop({ concurrency, total: 100, maxWallMs: 60_000 }, pair);
  samples.A.length = 0;
  samples.B.length = 0;
  const stats = (child: BenchChild) => child.call('stats', { reset: true }, processStatsSchema);
  const before = { A: await stats(a.child), B: await stats(b.child) };
  const outcome = await closedLoop({ concurrency, total: requests, maxWallMs: 600_000 }, pair);
  const after = { A: await stats(a.child), B: await stats(b.child) };
  const A = summary(samples.A, cpuMsBetween(before.A, after.A));
  const B = summary(samples.B, cpuMsBetween(before.B, after.B));
  const diff = {
    ttfbP50: round(B.ttfbP50 - A.ttfbP50, 3),
    ttfbP99: round(B.ttfbP99 - A.ttfbP99, 3),
    totalP50: round(B.totalP50 - A.totalP50, 3),
    totalP99: round(B.totalP99 - A.totalP99, 3),
    cpuMsPerReq: round(B.cpuMsPerReq - A.cpuMsPerReq, 3),
  };
  process.stdout.write(
    `${JSON.stringify({ mode: stream ? 'stream' : 'non-stream', concurrency, failures: outcome.failures, A, B, 'B-A': diff })}\n`,
  );
  await Promise.all([pools.A.close(), pools.B.close()]);
  await Promise.all([a.child.stop(), b.child.stop()]);
  await fake.stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`compare failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
