import { Pool } from 'undici';
import { discoverIds } from '../direct/direct-rest.js';
import { directTurn, type DirectTarget } from '../direct/direct-turn.js';
import { replyText } from '../fake/bench-agents.js';
import { relayRequest, type RelayTarget } from '../load/relay-request.js';
import type { BenchOptions } from '../options.js';
import { POLL_INTERVAL_MS, type Rig } from '../rig.js';
import { measurePhase, type PhaseMetrics } from './phase.js';

/** How a request reaches the fake: the spec client directly, or relaypool (SSE or one JSON body). */
export const MODES = ['direct', 'stream', 'non-stream'] as const;
export type Mode = (typeof MODES)[number];

/** One measured phase. */
export interface PhaseRecord extends PhaseMetrics {
  concurrency: number;
  mode: Mode;
  repeat: number;
}

/** What every bench request asks (the fake's agent answers the fixed reply whatever it is). */
export const PROMPT = 'Benchmark: answer with the fixed reply.';
const TURN_TIMEOUT_MS = 30_000;

/** Rotate the mode order per repeat so no mode always runs first (drift on a shared machine). */
function modeOrder(repeat: number): Mode[] {
  return MODES.map((_, i) => MODES[(i + repeat) % MODES.length] ?? 'direct');
}

/**
 * Direct vs relaypool (stream and non-stream) at each concurrency, `repeats` times, interleaved.
 * Direct worker `i` drives fake user `i` (one slot each, like one relaypool account).
 */
export async function runLatency(
  rig: Rig,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<PhaseRecord[]> {
  const maxC = Math.max(...options.concurrency);
  if (rig.users.length < maxC) throw new Error(`latency: ${maxC} workers need at least ${maxC} accounts`);
  const fakePool = new Pool(rig.fake.url, { connections: maxC * 2 });
  const proxyPool = new Pool(rig.proxy.url, { connections: maxC });
  const expectedText = replyText({ chars: options.replyChars, chunks: options.replyChunks });
  const ids = await discoverIds(fakePool, rig.users[0]?.cookie ?? '', rig.model);
  const direct: DirectTarget = {
    pool: fakePool,
    wsBase: rig.fake.url.replace(/^http/, 'ws'),
    ...ids,
    pollIntervalMs: POLL_INTERVAL_MS,
    ws: options.directWs,
    timeoutMs: TURN_TIMEOUT_MS,
  };
  const relay = (stream: boolean): RelayTarget => ({
    dispatcher: proxyPool,
    origin: rig.proxy.url,
    model: rig.model,
    prompt: PROMPT,
    stream,
    expectedText,
  });
  const records: PhaseRecord[] = [];
  try {
    for (const [index, concurrency] of options.concurrency.entries()) {
      const total = options.requests[index] ?? 200;
      const shape = { concurrency, total, maxWallMs: 120_000 };
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        for (const mode of modeOrder(repeat)) {
          const send =
            mode === 'direct'
              ? (worker: number) => directTurn(direct, rig.users[worker]?.cookie ?? '', PROMPT)
              : (_worker: number) => relayRequest(relay(mode === 'stream'));
          const metrics = await measurePhase(rig, shape, send);
          records.push({ concurrency, mode, repeat, ...metrics });
          const failed = Object.values(metrics.failures).reduce((a, b) => a + b, 0);
          log(
            `  c=${concurrency} ${mode.padEnd(10)} r${repeat}: ttfb p50 ${metrics.ttfbP50Ms} ms, total p50 ${metrics.totalP50Ms} ms, ${metrics.requestsPerSec} req/s, proxy ${metrics.proxyCpuMsPerReq} ms CPU/req${failed > 0 ? `, ${failed} failed ${JSON.stringify(metrics.failures)}` : ''}`,
          );
        }
      }
    }
  } finally {
    await Promise.all([fakePool.close(), proxyPool.close()]);
  }
  return records;
}
