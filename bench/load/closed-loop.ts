import { failureKey, type RequestSample } from './samples.js';

/** What a closed-loop run produced. */
export interface LoadOutcome {
  samples: RequestSample[];
  /** Failure reason → count. */
  failures: Record<string, number>;
  /** Wall time of the run (first send to last answer). */
  wallMs: number;
}

/** Shape of a closed-loop run. */
export interface LoopShape {
  /** Workers, each with one request in flight at a time. */
  concurrency: number;
  /** Requests to send in total (successes and failures). */
  total: number;
  /** Stop sending new requests after this long (bounded runs). */
  maxWallMs: number;
  /** Called after every finished request (successful or not) with the count so far. */
  onProgress?: (finished: number) => void | Promise<void>;
}

/**
 * `concurrency` workers send requests back to back until `total` were sent or `maxWallMs` passed;
 * `send(worker)` performs one request. Failures are counted by reason, never retried here.
 */
export async function closedLoop(
  shape: LoopShape,
  send: (worker: number) => Promise<RequestSample>,
): Promise<LoadOutcome> {
  const samples: RequestSample[] = [];
  const failures: Record<string, number> = {};
  let issued = 0;
  let finished = 0;
  const started = performance.now();
  const worker = async (id: number): Promise<void> => {
    while (issued < shape.total && performance.now() - started < shape.maxWallMs) {
      issued += 1;
      try {
        samples.push(await send(id));
      } catch (err) {
        const key = failureKey(err);
        failures[key] = (failures[key] ?? 0) + 1;
      }
      finished += 1;
      await shape.onProgress?.(finished);
    }
  };
  await Promise.all(Array.from({ length: shape.concurrency }, (_, id) => worker(id)));
  return { samples, failures, wallMs: performance.now() - started };
}
