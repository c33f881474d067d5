import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CancelTimer, Timers } from '../util/timing.js';

/** What the watcher reads and does; injectable so tests drive it. */
export interface QuietGcDeps {
  timers: Timers;
  /** Requests whose responses are still open. */
  inFlight: () => number;
  /** The process's resident memory. */
  rss: () => number;
  /** A full collection. */
  collect: () => void;
  /** Check this often (default 1 s). */
  intervalMs?: number;
  /** Collect only when resident memory grew at least this much since the last collection (default 8 MiB). */
  growthBytes?: number;
}

/**
 * After a burst of streams, give the memory back. V8 collects its old generation when allocation
 * asks for it, so a sidecar that goes quiet after a burst keeps the burst's garbage (measured: 256
 * streams left private memory at ~1.4× idle for as long as the process stayed quiet). When the open
 * requests have fallen to a quarter of their peak for two checks in a row and resident memory grew by
 * `growthBytes` since the last collection, run one full collection. Under steady load the count
 * stays near its peak and nothing extra runs. Returns a function that stops the watcher.
 */
export function startQuietGc(deps: QuietGcDeps): () => void {
  const intervalMs = deps.intervalMs ?? 1000;
  const growthBytes = deps.growthBytes ?? 8 * 2 ** 20;
  let baseline = deps.rss();
  let peak = deps.inFlight();
  let quietChecks = 0;
  let cancel: CancelTimer | null = null;
  let stopped = false;
  const check = (): void => {
    const open = deps.inFlight();
    peak = Math.max(peak, open);
    quietChecks = open <= peak / 4 ? quietChecks + 1 : 0;
    if (quietChecks >= 2 && deps.rss() - baseline >= growthBytes) {
      deps.collect();
      baseline = deps.rss();
      peak = open;
      quietChecks = 0;
    }
    if (!stopped) cancel = deps.timers.setTimeout(check, intervalMs);
  };
  cancel = deps.timers.setTimeout(check, intervalMs);
  return () => {
    stopped = true;
    cancel?.();
  };
}

let fullGc: (() => void) | null = null;

/**
 * V8's full collection without starting Node with `--expose-gc`: the flag, set at run time,
 * exposes `gc` in contexts created afterwards; one small context is made once to fetch it.
 */
export function fullCollection(): void {
  if (fullGc === null) {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (!isCallable(gc)) return;
    // Twice: objects kept by finalizers and weak maps (undici's sockets) go only in the second pass.
    fullGc = () => {
      gc();
      gc();
    };
  }
  fullGc();
}

function isCallable(value: unknown): value is () => void {
  return typeof value === 'function';
}
