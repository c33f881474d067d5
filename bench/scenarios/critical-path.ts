import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { z } from 'zod';
import { discoverIds } from '../direct/direct-rest.js';
import { directTurn, type DirectTarget } from '../direct/direct-turn.js';
import { replyText } from '../fake/bench-agents.js';
import { relayRequest } from '../load/relay-request.js';
import type { RequestSample } from '../load/samples.js';
import type { BenchOptions } from '../options.js';
import { median, round } from '../report/stats.js';
import { POLL_INTERVAL_MS, startRig } from '../rig.js';
import { StageRecorder, wallMs, type StageEvent } from '../trace/stage-recorder.js';
import { PROMPT } from './latency.js';

/** One stage of a request's way to its first content, median over the scenario's requests. */
export interface StageMedian {
  stage: string;
  directMs: number | null;
  relayMs: number | null;
}

/** One pass: requests back to back (`pauseMs` 0) or with a pause between them. */
export interface CriticalPathPass {
  pauseMs: number;
  stages: StageMedian[];
  ttfbDirectMs: number;
  ttfbRelayMs: number;
}

/** Where the time to first content goes at c=1 (stream), direct vs relaypool. */
export interface CriticalPathResult {
  requestsPerMode: number;
  passes: CriticalPathPass[];
}

/**
 * A pass with a pause between requests: at c=1 back to back, a request's create call and status
 * read run while relaypool (and the fake) still finish the previous request (its stop, the
 * billed-token read, the store); a client that pauses between requests does not see that.
 */
const PAUSES_MS = [0, 20];

/** The marks a request passes, in order; a stage runs from one mark to the next. */
const MARKS = [
  'send',
  'arrival',
  'create',
  'create-answered',
  'status',
  'status-answered',
  'socket',
  'socket-open',
  'first-content',
] as const;
type Mark = (typeof MARKS)[number];

const STAGE_NAMES: Record<Exclude<Mark, 'send'>, string> = {
  arrival: 'client → relaypool (request received)',
  create: 'relaypool before the create call',
  'create-answered': 'create call (`POST /tasks`)',
  status: 'create answered → status read sent',
  'status-answered': 'status read (`GET /tasks/{id}`)',
  socket: 'status answered → socket handshake sent',
  'socket-open': 'socket handshake (attach)',
  'first-content': 'socket open → first content at the client',
};

const eventsSchema = z.array(z.tuple([z.number(), z.string()]));

interface Sent {
  at: number;
  sample: RequestSample;
}

/**
 * The marks of one request sent at `sent.at`, found in `events` (sorted): its first create after
 * the send, the task id from its socket handshake, that task's first status read. At c=1 the
 * previous request's stop and billed-token read may run meanwhile; they never match these marks.
 */
function marksOf(sent: Sent, events: StageEvent[], relayed: boolean): Map<Mark, number> | null {
  const marks = new Map<Mark, number>([['send', sent.at]]);
  let from = sent.at;
  const next = (test: (step: string) => boolean): number | null => {
    const found = events.find(([at, step]) => at >= from && test(step));
    if (found === undefined) return null;
    from = found[0];
    return found[0];
  };
  if (relayed) {
    const arrival = next((step) => step === 'arrival');
    if (arrival === null) return null;
    marks.set('arrival', arrival);
  }
  const create = next((step) => step === 'create');
  const answered = next((step) => step === 'create-answered');
  const handshake = events.find(([at, step]) => at >= from && step.startsWith('socket:'));
  if (create === null || answered === null || handshake === undefined) return null;
  const task = handshake[1].slice('socket:'.length);
  const status = next((step) => step === `status:${task}`);
  const statusAnswered = next((step) => step === `status:${task}-answered`);
  const socket = next((step) => step === `socket:${task}`);
  const open = next((step) => step === 'socket-open');
  if (status === null || statusAnswered === null || socket === null || open === null) return null;
  marks.set('create', create).set('create-answered', answered).set('status', status);
  marks.set('status-answered', statusAnswered).set('socket', socket).set('socket-open', open);
  marks.set('first-content', sent.at + sent.sample.ttfbMs);
  return marks;
}

/** Median of each stage over the requests whose marks were all found. */
function stageMedians(sents: Sent[], events: StageEvent[], relayed: boolean): Map<Mark, number> {
  const sorted = [...events].sort((a, b) => a[0] - b[0]);
  const durations = new Map<Mark, number[]>();
  for (const sent of sents) {
    const marks = marksOf(sent, sorted, relayed);
    if (marks === null) continue;
    let previous: number | null = null;
    for (const mark of MARKS) {
      const at = marks.get(mark);
      if (at === undefined) continue;
      if (previous !== null) durations.set(mark, [...(durations.get(mark) ?? []), at - previous]);
      previous = at;
    }
  }
  return new Map([...durations].map(([mark, values]) => [mark, round(median(values), 3)]));
}

/**
 * c=1 streamed requests, direct and through relaypool in alternating blocks on one rig (one pass
 * back to back, one with pauses), the steps of each recorded from diagnostics channels in the load
 * generator and in relaypool.
 */
export async function runCriticalPath(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<CriticalPathResult> {
  const rig = await startRig({
    accounts: 9,
    slotsPerAccount: 1,
    replyChars: options.replyChars,
    replyChunks: options.replyChunks,
    paceMs: 0,
    profileDir: null,
  });
  const fakePool = new Pool(rig.fake.url, { connections: 2 });
  const proxyPool = new Pool(rig.proxy.url, { connections: 1 });
  const recorder = new StageRecorder();
  try {
    const cookie = rig.users[0]?.cookie ?? '';
    const direct: DirectTarget = {
      pool: fakePool,
      wsBase: rig.fake.url.replace(/^http/, 'ws'),
      ...(await discoverIds(fakePool, cookie, rig.model)),
      pollIntervalMs: POLL_INTERVAL_MS,
      ws: options.directWs,
      timeoutMs: 30_000,
    };
    const expectedText = replyText({ chars: options.replyChars, chunks: options.replyChunks });
    const relay = () =>
      relayRequest({
        dispatcher: proxyPool,
        origin: rig.proxy.url,
        model: rig.model,
        prompt: PROMPT,
        stream: true,
        expectedText,
      });
    const sends = { direct: () => directTurn(direct, cookie, PROMPT), relay };
    const block = options.quick ? 10 : 25;
    const blocks = 4;
    // Between blocks the rig settles: relaypool stops its last task in the background, and the
    // direct client uses one of the same fake users.
    for (const mode of ['direct', 'relay'] as const) {
      for (let i = 0; i < block; i++) await sends[mode](); // warm-up
      await rig.settle();
    }
    const passes: CriticalPathPass[] = [];
    for (const pauseMs of PAUSES_MS) {
      recorder.start();
      await rig.proxy.call('trace-start', {}, z.object({}));
      const sent: Record<keyof typeof sends, Sent[]> = { direct: [], relay: [] };
      for (let b = 0; b < blocks; b++) {
        for (const mode of ['direct', 'relay'] as const) {
          for (let i = 0; i < block; i++) {
            if (pauseMs > 0) await sleep(pauseMs);
            const at = wallMs();
            sent[mode].push({ at, sample: await sends[mode]() });
          }
          await rig.settle();
        }
      }
      const proxyEvents = await rig.proxy.call('trace-take', {}, eventsSchema);
      const directStages = stageMedians(sent.direct, recorder.stop(), false);
      const relayStages = stageMedians(sent.relay, proxyEvents, true);
      const ttfb = (list: Sent[]): number => round(median(list.map((s) => s.sample.ttfbMs)), 3);
      const pass = {
        pauseMs,
        stages: MARKS.filter((mark) => mark !== 'send').map((mark) => ({
          stage: STAGE_NAMES[mark],
          directMs: directStages.get(mark) ?? null,
          relayMs: relayStages.get(mark) ?? null,
        })),
        ttfbDirectMs: ttfb(sent.direct),
        ttfbRelayMs: ttfb(sent.relay),
      };
      passes.push(pass);
      log(
        `  ${pauseMs === 0 ? 'back to back' : `${pauseMs} ms apart`}: time to first content p50 direct ${pass.ttfbDirectMs} ms, relaypool ${pass.ttfbRelayMs} ms`,
      );
    }
    return { requestsPerMode: block * blocks, passes };
  } finally {
    recorder.stop();
    await Promise.all([fakePool.close(), proxyPool.close()]);
    await rig.close();
  }
}
