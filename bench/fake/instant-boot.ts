/**
 * "No VM boot delay", deterministically. The fake boots a task with `setTimeout(boot, bootDelayMs)`;
 * with 0 that is a ≥ 1 ms timer, so a client's first `GET /tasks/{id}` (sent < 1 ms after the
 * create reply on loopback) sees `pending` or `processing` at random and the first turn then waits
 * one poll interval or not. That coin flip (0 or 10 ms) would swamp the sub-millisecond figures
 * the bench compares. In the bench's fake process only, zero-delay timers therefore run as
 * immediates: after the create reply is written and before the next request is read.
 */
export function runZeroDelayTimersAsImmediates(): void {
  const original = globalThis.setTimeout;
  const patched = (
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ): NodeJS.Timeout => {
    if (ms !== 0) return original(callback, ms, ...args);
    setImmediate(() => callback(...args));
    // The caller keeps a handle (and may clear it); hand it an inert one.
    return original(() => undefined, 0);
  };
  Reflect.set(globalThis, 'setTimeout', patched);
}
