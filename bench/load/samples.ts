/** What one successful request measured (milliseconds from the moment it was sent). */
export interface RequestSample {
  /** Time to the first content byte: first content delta (stream), response headers (non-stream), first message chunk (direct). */
  ttfbMs: number;
  /** Time to the end: `[DONE]`, the whole JSON body, or `task-ended` (direct). */
  totalMs: number;
  /** Content chunks relayed. */
  chunks: number;
  /** Content characters received. */
  chars: number;
  /** Time spent retrying after 429s before the request was served (pool bottleneck scenario). */
  retryWaitMs?: number;
}

/** A request that failed: HTTP status (or 0) and a short machine-readable reason. */
export class RequestFailure extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${status} ${reason}`);
    this.name = 'RequestFailure';
  }
}

/** A stable key for counting a failure. */
export function failureKey(err: unknown): string {
  if (err instanceof RequestFailure) return `${err.status} ${err.reason}`;
  if (err instanceof Error) return err.message.slice(0, 80);
  return String(err).slice(0, 80);
}
