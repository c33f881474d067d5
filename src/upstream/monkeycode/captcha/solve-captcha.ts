import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../../errors.js';
import type { UpstreamLogger } from '../../logger.js';
import { abortReason, createDeadline, type Timers } from '../../../util/timing.js';
import { challengeSchema, deriveSubChallenges, searchNonce, type CaptchaChallenge } from './pow.js';

/** How to run the proof-of-work. */
export interface SolveOptions {
  timers: Timers;
  /** Give up after this many milliseconds (kind `timeout`). */
  budgetMs: number;
  signal?: AbortSignal;
  /**
   * `worker` (default): a worker thread, so the event loop never waits on hashing; falls back to
   * `slices` if the worker cannot start. `slices`: on this thread, yielding to the event loop
   * every few thousand hashes.
   */
  strategy?: 'worker' | 'slices';
  /** Told when the worker could not run and the in-thread fallback is used. */
  logger?: UpstreamLogger;
}

const workerReply = z.union([
  z.object({ solutions: z.array(z.number().int().nonnegative()) }),
  z.object({ error: z.string() }),
]);

/**
 * Solve a go-cap challenge (docs/captcha-pow.md): the smallest nonce per sub-challenge. Rejects with
 * `UpstreamTimeoutFailure` past the budget, with the abort reason on abort.
 */
export async function solveCaptcha(challenge: CaptchaChallenge, options: SolveOptions): Promise<number[]> {
  if (!challengeSchema.safeParse(challenge).success) {
    throw new UpstreamFailure('captcha', 'captcha challenge parameters are out of bounds');
  }
  const deadline = createDeadline(options.timers, options.budgetMs, options.signal);
  try {
    if (options.strategy === 'slices') return await solveInSlices(challenge, deadline.signal);
    try {
      return await solveInWorker(challenge, deadline.signal);
    } catch (err) {
      if (!(err instanceof WorkerStartError)) throw err;
      options.logger?.warn({ reason: err.message }, 'captcha worker unavailable; solving in time slices');
      return await solveInSlices(challenge, deadline.signal);
    }
  } catch (err) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (deadline.expired) {
      throw new UpstreamTimeoutFailure(`captcha proof-of-work exceeded ${options.budgetMs} ms`);
    }
    throw err;
  } finally {
    deadline.dispose();
  }
}

class WorkerStartError extends Error {}

function startWorker(challenge: CaptchaChallenge): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Under tsx (tests, dev) a worker thread does not inherit tsx's loader: register it first. The
    // eval'd script resolves bare names from the working directory, so tsx is named by its path.
    const target = new URL('./pow-worker.ts', here).href;
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const boot = `import(${tsx}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
    return new Worker(boot, { eval: true, workerData: challenge });
  }
  return new Worker(new URL('./pow-worker.js', here), { workerData: challenge });
}

function solveInWorker(challenge: CaptchaChallenge, signal: AbortSignal): Promise<number[]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    let worker: Worker;
    try {
      worker = startWorker(challenge);
    } catch (err) {
      return reject(new WorkerStartError('captcha worker failed to start', { cause: err }));
    }
    let replied = false;
    const finish = (settle: () => void): void => {
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = (): void => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: unknown) => {
      replied = true;
      const reply = workerReply.safeParse(message);
      const solutions = reply.success && 'solutions' in reply.data ? reply.data.solutions : null;
      if (solutions) finish(() => resolve(solutions));
      else finish(() => reject(new UpstreamFailure('captcha', 'captcha worker rejected the challenge')));
    });
    worker.once('error', (err) =>
      finish(() => reject(new WorkerStartError('captcha worker failed', { cause: err }))),
    );
    worker.once('exit', () => {
      if (!replied) finish(() => reject(new WorkerStartError('captcha worker exited early')));
    });
  });
}

const SLICE_HASHES = 4_096;

async function solveInSlices(challenge: CaptchaChallenge, signal: AbortSignal): Promise<number[]> {
  const solutions: number[] = [];
  for (const sub of deriveSubChallenges(challenge)) {
    for (let from = 0; ; from += SLICE_HASHES) {
      if (signal.aborted) throw abortReason(signal);
      const nonce = searchNonce(sub, from, SLICE_HASHES);
      if (nonce !== null) {
        solutions.push(nonce);
        break;
      }
      await yieldToLoop();
    }
  }
  return solutions;
}
