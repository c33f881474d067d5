import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { z } from 'zod';
import { replyText } from '../fake/bench-agents.js';
import { closedLoop } from '../load/closed-loop.js';
import { relayRequest, type RelayTarget } from '../load/relay-request.js';
import { RequestFailure, type RequestSample } from '../load/samples.js';
import type { BenchOptions } from '../options.js';
import { median, percentile, round } from '../report/stats.js';
import { startRig } from '../rig.js';

/** More requests than upstream slots: how long they wait and how busy the slots stay. */
export interface PoolBottleneckResult {
  slots: number;
  clients: number;
  requests: number;
  ok: number;
  /** 429 answers received (today's selector fails fast instead of queueing). */
  rejected429: number;
  failures: Record<string, number>;
  /** One request alone (no contention): end-to-end p50, ms. */
  serviceP50Ms: number;
  /** End-to-end time (first attempt to last byte) minus the uncontended p50, ms. */
  waitP50Ms: number;
  waitP99Ms: number;
  /** Upstream slots busy (a task pending or running), mean over the run. */
  slotUtilisation: number;
  requestsPerSec: number;
  /** slots / uncontended service time: what a perfect queue would reach. */
  idealRequestsPerSec: number;
}

/** A client that, like a patient SDK with a short backoff, retries 429 after `backoffMs`. */
async function sendWithRetry(
  target: RelayTarget,
  backoffMs: number,
  deadline: number,
  onReject: () => void,
): Promise<RequestSample> {
  const started = performance.now();
  for (;;) {
    try {
      const sample = await relayRequest(target);
      const endToEnd = performance.now() - started;
      return { ...sample, totalMs: endToEnd, retryWaitMs: endToEnd - sample.totalMs };
    } catch (err) {
      if (!(err instanceof RequestFailure) || err.status !== 429 || performance.now() > deadline) throw err;
      onReject();
      await sleep(backoffMs);
    }
  }
}

const BACKOFF_MS = 25;

/**
 * `poolSlots` accounts with one slot each, a paced agent (a turn holds its slot ~100 ms), and
 * `poolClients` clients sending back to back. Works unchanged once the pool queues (issue 4):
 * then there are no 429s and the wait is queue wait.
 */
export async function runPoolBottleneck(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<PoolBottleneckResult> {
  const slots = options.poolSlots;
  const rig = await startRig({
    accounts: slots,
    slotsPerAccount: 1,
    replyChars: options.replyChars,
    replyChunks: options.replyChunks,
    paceMs: options.paceMs,
    profileDir: null,
  });
  const pool = new Pool(rig.proxy.url, { connections: options.poolClients });
  const expectedText = replyText({ chars: options.replyChars, chunks: options.replyChunks });
  const target: RelayTarget = {
    dispatcher: pool,
    origin: rig.proxy.url,
    model: rig.model,
    prompt: 'queue',
    stream: false,
    expectedText,
  };
  try {
    await rig.setAgent('paced');
    const alone = await closedLoop({ concurrency: 1, total: 10, maxWallMs: 60_000 }, () =>
      relayRequest(target),
    );
    const serviceP50Ms = median(alone.samples.map((s) => s.totalMs));
    await rig.settle();
    let rejected429 = 0;
    const limits = Object.fromEntries(rig.users.map((u) => [u.userId, 1]));
    await rig.fake.call('slots-start', { limits, intervalMs: 2 }, z.unknown());
    const total = options.poolClients * options.poolRequestsPerClient;
    const deadline = performance.now() + 120_000;
    const outcome = await closedLoop({ concurrency: options.poolClients, total, maxWallMs: 120_000 }, () =>
      sendWithRetry(target, BACKOFF_MS, deadline, () => (rejected429 += 1)),
    );
    const { utilisation } = await rig.fake.call(
      'slots-stop',
      null,
      z.object({ utilisation: z.number(), samples: z.number() }),
    );
    const waits = outcome.samples.map((s) => Math.max(0, s.totalMs - serviceP50Ms));
    const result: PoolBottleneckResult = {
      slots,
      clients: options.poolClients,
      requests: total,
      ok: outcome.samples.length,
      rejected429,
      failures: outcome.failures,
      serviceP50Ms: round(serviceP50Ms, 1),
      waitP50Ms: round(percentile(waits, 50), 1),
      waitP99Ms: round(percentile(waits, 99), 1),
      slotUtilisation: round(utilisation, 3),
      requestsPerSec: round(outcome.samples.length / (outcome.wallMs / 1000), 1),
      idealRequestsPerSec: round(slots / (serviceP50Ms / 1000), 1),
    };
    log(
      `  ${result.ok}/${total} ok, ${rejected429} × 429, wait p50 ${result.waitP50Ms} ms, slots busy ${round(utilisation * 100, 1)} %`,
    );
    return result;
  } finally {
    await pool.close();
    await rig.close();
  }
}
