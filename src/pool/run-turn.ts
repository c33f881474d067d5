import type { Store } from '../store/index.js';
import type { AnyUpstreamFailure } from '../upstream/errors.js';
import type { UpstreamAdapter, UpstreamEvent } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { AccountSelector, Lease } from './lease.js';
import type { PoolObserver } from './pool-observer.js';
import type { TaskReaper } from './task-reaper.js';
import { runAttempt, type RequestProgress } from './turn-attempt.js';

export interface TurnRunnerDeps {
  store: Store;
  adapter: UpstreamAdapter;
  pool: AccountSelector;
  reaper: TaskReaper;
  logger: Logger;
  turnTimeoutMs: number;
  vmReadyTimeoutMs: number;
  /** How many other accounts a request may fail over to before its first output byte. */
  failoverRounds: number;
  now: () => number;
  /** Told about queue waits, tasks and upstream failures (metrics). */
  observer?: PoolObserver;
}

/** One stateless request: a new task whose first turn is the rendered conversation. */
export interface StatelessTurn {
  route: string;
  /** Upstream model name (already resolved by the catalog). */
  upstreamModel: string;
  /** The rendered conversation (task `content`). */
  content: string;
  systemPrompt: string | null;
  /** Hash of the client's API key, for usage scoping; null when /v1 is open. */
  clientKeyHash: string | null;
}

/**
 * Run one stateless turn on the pool (design §3): lease an account, run the turn, pass its events
 * on. A failure before the first output byte is retried on another account — never one this
 * request already tried, at most `failoverRounds` times — inside this iterable, so a stream whose
 * headers went out at `task-created` just keeps reading (a retried attempt's `task-created` is
 * not passed on). After the first output byte a failure is the terminal `error` event. When no
 * account is free at the start, the pool's 429/503 is thrown; when none is left for a retry, the
 * last upstream failure is the terminal event. One usage row per request.
 */
export async function* runStatelessTurn(deps: TurnRunnerDeps, turn: StatelessTurn, signal: AbortSignal): AsyncGenerator<UpstreamEvent> {
  const progress: RequestProgress = { started: deps.now(), opened: false, output: false, ttfbMs: null, usage: null, outcome: 'aborted', accountId: null, taskId: null };
  const tried = new Set<number>();
  const relogged = new Set<number>();
  let last: AnyUpstreamFailure | null = null;
  try {
    for (let round = 0; ; round++) {
      let lease: Lease;
      const waitStarted = deps.now();
      try {
        lease = await deps.pool.acquire(turn.upstreamModel, signal, { exclude: tried });
        deps.observer?.queueWait?.(deps.now() - waitStarted, true);
      } catch (err) {
        deps.observer?.queueWait?.(deps.now() - waitStarted, false);
        // No account left to fail over to: the client learns what actually went wrong (the
        // last upstream failure, e.g. 429 + Retry-After for a busy account, 503 for no capacity);
        // later requests get the pool's 429 while the accounts cool down.
        if (last === null || signal.aborted) throw err;
        yield { type: 'error', error: last, kind: last.kind, retryable: last.retryable, taskId: null };
        return;
      }
      tried.add(lease.account.id);
      const end = yield* runAttempt(deps, lease, turn, signal, progress, round < deps.failoverRounds);
      if (end.kind === 'done') return;
      last = end.failure;
      const id = lease.account.id;
      // A password account gets one more go once it is logged in again (a new session is a new chance).
      if (last.kind === 'session-expired' && lease.account.kind === 'password' && !relogged.has(id)) {
        relogged.add(id);
        tried.delete(id);
      }
      deps.logger.info({ accountId: id, kind: last.kind, round: round + 1 }, 'failing over before the first output byte');
    }
  } finally {
    if (progress.accountId !== null) recordUsage(deps, turn, progress);
  }
}

/** One usage row per request; tokens only when the turn reported them (the adapter estimates when the platform has none). */
function recordUsage(deps: TurnRunnerDeps, turn: StatelessTurn, progress: RequestProgress): void {
  try {
    deps.store.usage.record({
      route: turn.route,
      outcome: progress.outcome,
      model: turn.upstreamModel,
      accountId: progress.accountId,
      clientKeyHash: turn.clientKeyHash,
      upstreamTaskId: progress.taskId,
      promptTokens: progress.usage?.input,
      completionTokens: progress.usage?.output,
      totalTokens: progress.usage?.total,
      estimated: progress.usage?.estimated ?? false,
      ttfbMs: progress.ttfbMs,
      durationMs: deps.now() - progress.started,
    });
  } catch (err) {
    deps.logger.error({ err }, 'could not record usage');
  }
}
