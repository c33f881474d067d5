import { setMaxListeners } from 'node:events';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { relayRequest } from '../load/relay-request.js';
import { failureKey } from '../load/samples.js';
import type { BenchOptions } from '../options.js';
import { round } from '../report/stats.js';
import { startRig } from '../rig.js';
import { dependencyFloorRss } from './dependency-floor.js';

/** Proxy memory idle and with many open streams. */
export interface OpenStreamsResult {
  streams: number;
  /** Streams that got their first content chunk (i.e. were really open). */
  opened: number;
  failures: Record<string, number>;
  /** Seconds until every stream had its first chunk. */
  openSeconds: number;
  rssIdleMb: number;
  heapIdleMb: number;
  /** RSS of a process that only loads relaypool's dependencies (the floor under relaypool's own memory). */
  rssDependenciesMb: number;
  rssOpenMb: number;
  heapOpenMb: number;
  rssAfterMb: number;
  /** Private memory (`RssAnon`): idle, with the streams open, and 10 s after they were closed (no forced GC). */
  anonIdleMb: number;
  anonOpenMb: number;
  anonAfter10sMb: number;
  /** Private memory per open stream, over idle. */
  anonKbPerStream: number;
  /** RSS per open stream, over idle. */
  kbPerStream: number;
  /** Heap after a forced GC per open stream, over idle (what the streams really hold). */
  heapKbPerStream: number;
  eldP99OpenMs: number;
}

const ACCOUNTS = 10;
const mb = (bytes: number): number => round(bytes / 2 ** 20, 1);

/**
 * Open `options.openStreams` streams against a slow agent (one chunk, then silence with pings),
 * hold them, measure relaypool's RSS, then abort them all (relaypool stops every task).
 */
export async function runOpenStreams(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<OpenStreamsResult> {
  const n = options.openStreams;
  const rig = await startRig({
    accounts: ACCOUNTS,
    slotsPerAccount: Math.ceil(n / ACCOUNTS),
    replyChars: options.replyChars,
    replyChunks: options.replyChunks,
    paceMs: 0,
    profileDir: null,
  });
  const pool = new Pool(rig.proxy.url, { connections: n });
  try {
    await sleep(1000);
    const idleHeap = await rig.proxyAfterGc();
    const snapshot = async (what: string): Promise<void> => {
      if (!options.heapSnapshot) return;
      const file = join(options.outDir, `${Date.now()}-${what}.heapsnapshot`);
      await rig.proxyHeapSnapshot(resolve(file));
      log(`  heap snapshot (${what}): ${file}`);
    };
    await snapshot('idle');
    const idle = await rig.proxyStats(true);
    await rig.setAgent('slow');
    const abort = new AbortController();
    setMaxListeners(n + 10, abort.signal);
    let opened = 0;
    let allOpen: () => void = () => undefined;
    const everyoneOpen = new Promise<void>((resolve) => (allOpen = resolve));
    const failures: Record<string, number> = {};
    const started = performance.now();
    const streams = Array.from({ length: n }, () =>
      relayRequest(
        {
          dispatcher: pool,
          origin: rig.proxy.url,
          model: rig.model,
          prompt: 'hold',
          stream: true,
          expectedText: null,
        },
        { signal: abort.signal, onFirstContent: () => (++opened === n ? allOpen() : undefined) },
      ).catch((err: unknown) => {
        if (abort.signal.aborted) return;
        const key = failureKey(err);
        failures[key] = (failures[key] ?? 0) + 1;
        if (opened + Object.values(failures).reduce((a, b) => a + b, 0) === n) allOpen();
      }),
    );
    await Promise.race([everyoneOpen, sleep(120_000, undefined, { ref: false })]);
    const openSeconds = round((performance.now() - started) / 1000, 1);
    let open = await rig.proxyStats(false);
    for (let i = 0; i < 5; i++) {
      await sleep(200);
      const sample = await rig.proxyStats(false);
      if (sample.rssAnonBytes > open.rssAnonBytes) open = sample;
    }
    const openHeap = await rig.proxyAfterGc();
    await snapshot('open');
    log(
      `  ${opened}/${n} streams open after ${openSeconds} s: proxy RSS ${mb(open.rssBytes)} MB (idle ${mb(idle.rssBytes)} MB)`,
    );
    abort.abort();
    const closedAt = performance.now();
    await Promise.all(streams);
    await sleep(Math.max(0, 10_000 - (performance.now() - closedAt)));
    const after10s = await rig.proxyStats(false);
    log(
      `  private memory (RssAnon): idle ${mb(idle.rssAnonBytes)} MB, open ${mb(open.rssAnonBytes)} MB, 10 s after closing ${mb(after10s.rssAnonBytes)} MB`,
    );
    await rig.settle(60_000);
    const after = await rig.proxyAfterGc();
    return {
      streams: n,
      opened,
      failures,
      openSeconds,
      rssIdleMb: mb(idle.rssBytes),
      heapIdleMb: mb(idle.heapUsedBytes),
      rssDependenciesMb: mb(dependencyFloorRss()),
      rssOpenMb: mb(open.rssBytes),
      heapOpenMb: mb(open.heapUsedBytes),
      rssAfterMb: mb(after.rssBytes),
      anonIdleMb: mb(idle.rssAnonBytes),
      anonOpenMb: mb(open.rssAnonBytes),
      anonAfter10sMb: mb(after10s.rssAnonBytes),
      anonKbPerStream: round((open.rssAnonBytes - idle.rssAnonBytes) / 1024 / Math.max(1, opened), 1),
      kbPerStream: round((open.rssBytes - idle.rssBytes) / 1024 / Math.max(1, opened), 1),
      heapKbPerStream: round(
        (openHeap.heapUsedBytes - idleHeap.heapUsedBytes) / 1024 / Math.max(1, opened),
        1,
      ),
      eldP99OpenMs: round(open.eldP99Ms, 2),
    };
  } finally {
    await pool.close();
    await rig.close();
  }
}
