/**
 * Worker-thread entry for the captcha proof-of-work: reads the challenge from `workerData`, posts
 * back `{ solutions }` or `{ error }`. Kept a plain module so it runs from `dist/` and under tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { challengeSchema, solveChallenge } from './pow.js';

const parsed = challengeSchema.safeParse(workerData);
if (!parsed.success) {
  parentPort?.postMessage({ error: 'invalid challenge' });
} else {
  parentPort?.postMessage({ solutions: solveChallenge(parsed.data) });
}
