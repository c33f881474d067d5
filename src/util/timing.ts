/** Wall clock, injectable so tests are deterministic. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Cancels a scheduled callback; calling it twice is harmless. */
export type CancelTimer = () => void;

/** Timer source, injectable so tests can drive time. */
export interface Timers {
  /** Run `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): CancelTimer;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Real timers. Not unref'd: a CLI waiting between task polls must stay alive; every user cancels
 * its timer in `finally`, so nothing lingers.
 */
export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};

/** The reason to throw when `signal` aborted (its own reason, or a standard AbortError). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Resolve after `ms`, or reject with the abort reason as soon as `signal` aborts. */
export function delay(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      if (signal) reject(abortReason(signal));
    };
    const cancel = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that aborts when the parent aborts or when `ms` elapse, whichever comes first. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the deadline itself (not the parent) fired. */
  readonly expired: boolean;
  /** Stop the timer and detach from the parent; call in `finally`. */
  dispose(): void;
}

/** Create a `Deadline` of `ms` milliseconds linked to an optional parent signal. */
export function createDeadline(timers: Timers, ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => controller.abort(parent ? abortReason(parent) : undefined);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const cancel = timers.setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('deadline exceeded', 'TimeoutError'));
  }, ms);
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      cancel();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
