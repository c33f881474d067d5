import type { RequestTrace } from '../util/request-trace.js';
import type { AsyncStore, TaskRecord } from '../store/index.js';
import type { AnyUpstreamFailure } from '../upstream/errors.js';
import type { UpstreamAdapter, UpstreamEvent } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { AccountSelector, Lease } from './lease.js';
import type { PoolObserver } from './account-pool-types.js';
import type { TaskReaper } from './task-reaper.js';
import { UsageRow } from './usage-row.js';
import {
  replayUnlessTimedOut,
  retryOnOtherAccount,
  runAttempt,
  type AttemptEnd,
  type KeepTask,
  type RequestProgress,
} from './turn-attempt.js';

export type { KeepTask, KeptTask } from './turn-attempt.js';

export interface PooledTurnDeps {
  store: AsyncStore;
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

/** One request's turn, as the routes and the conversation layer describe it. */
export interface TurnPlan {
  route: string;
  /** Upstream model name (already resolved by the catalog). */
  upstreamModel: string;
  /** The rendered conversation: a new task's `content` (also the fallback when resuming fails). */
  content: string;
  systemPrompt: string | null;
  /** Hash of the client's API key, for usage scoping; null when /v1 is open. */
  clientKeyHash: string | null;
  /** Try a kept task first (one follow-up turn); falls back to a new task with `content`. */
  resume?: ResumePlan | null;
  /** Keep the task idle after a successful turn. */
  keep?: KeepTask | null;
  /** Background work (warm-up): take a slot only when one is free now; no failover. */
  background?: boolean;
  /** Where the account label and task id go for the request's access log line. */
  trace?: RequestTrace | null;
}

/** Which kept task to continue on, and the text of the new turn. */
export type ResumePlan = { kind: 'task'; taskRowId: number; text: string } | { kind: 'warm'; text: string };

/**
 * Run one request's turn on the pool (docs/architecture.md §3): on its kept task when `resume`
 * says so, else on a new task of a leased account; one usage row per request.
 * - A kept task that cannot take the turn is replaced by a new task replaying the conversation:
 *   always correct, and invisible while nothing was sent.
 * - A failure before the first output byte fails over inside this iterable (never back to an
 *   account it tried, at most `failoverRounds` times), so a stream whose headers went out keeps
 *   reading; after the first byte a failure is the terminal `error` event.
 * - Throws the pool's 429/503 when no account is free at the start.
 */
export async function* runPooledTurn(
  deps: PooledTurnDeps,
  plan: TurnPlan,
  signal: AbortSignal,
): AsyncGenerator<UpstreamEvent> {
  const progress: RequestProgress = {
    started: deps.now(),
    opened: false,
    output: false,
    ttfbMs: null,
    usage: null,
    outcome: 'aborted',
    accountId: null,
    taskId: null,
    resumed: false,
    answer: '',
    trace: plan.trace ?? null,
  };
  const row = new UsageRow(deps, plan, progress);
  try {
    for await (const event of runAttempts(deps, plan, signal, progress)) {
      const storing = row.see(event);
      if (storing !== undefined) await storing; // stored before the consumer can end its client's response on this event
      yield event;
    }
  } finally {
    await row.close();
  }
}

async function* runAttempts(
  deps: PooledTurnDeps,
  plan: TurnPlan,
  signal: AbortSignal,
  progress: RequestProgress,
): AsyncGenerator<UpstreamEvent> {
  if (plan.resume && (yield* resumeKept(deps, plan, plan.resume, signal, progress))) return;
  yield* runOnNewTask(deps, plan, signal, progress);
}

/** Continue on a kept task; false when the request must run on a new task instead. */
async function* resumeKept(
  deps: PooledTurnDeps,
  plan: TurnPlan,
  resume: ResumePlan,
  signal: AbortSignal,
  progress: RequestProgress,
): AsyncGenerator<UpstreamEvent, boolean> {
  const claimed = await claimKept(deps, plan.upstreamModel, resume, signal);
  if (claimed === null) return false;
  const work = {
    kind: 'resume' as const,
    model: plan.upstreamModel,
    row: claimed.row,
    upstreamTaskId: claimed.upstreamTaskId,
    text: resume.text,
  };
  let end: AttemptEnd | null = null;
  try {
    end = yield* runAttempt(
      deps,
      claimed.lease,
      work,
      signal,
      progress,
      replayUnlessTimedOut,
      plan.keep ?? null,
    );
  } finally {
    // Also when the consumer stops reading right after the answer (a stream's last event).
    deps.observer?.keptTaskTurn?.(
      end?.kind === 'retry' ? 'replayed' : resume.kind === 'warm' ? 'warm' : 'continued',
    );
  }
  if (end.kind === 'done') return true;
  deps.logger.info(
    { accountId: claimed.lease.account.id, kind: end.failure.kind },
    'a kept task could not take the turn; replaying the conversation into a new task',
  );
  return false;
}

async function claimKept(
  deps: PooledTurnDeps,
  model: string,
  resume: ResumePlan,
  signal: AbortSignal,
): Promise<{ lease: Lease; row: TaskRecord; upstreamTaskId: string } | null> {
  let claimed =
    resume.kind === 'task' ? await claimTask(deps.pool, resume.taskRowId) : await deps.pool.claimWarm(model);
  if (claimed === null && resume.kind === 'task') {
    // Kept by another process on the database (issue #12): it hands the task over.
    const lease = await deps.pool.requestHandoff(resume.taskRowId, model, signal);
    claimed = lease === null ? null : { lease, taskRowId: resume.taskRowId };
  }
  if (claimed === null) return null;
  const row = await deps.store.tasks.get(claimed.taskRowId);
  if (row === null || row.upstreamTaskId === null || row.state !== 'idle') {
    // Its row changed under us (account removed, stopped by another path): not resumable.
    claimed.lease.release({ result: 'abandoned' }, row === null ? undefined : deps.reaper.stopAndWait(row));
    return null;
  }
  return { lease: claimed.lease, row, upstreamTaskId: row.upstreamTaskId };
}

async function claimTask(
  pool: AccountSelector,
  taskRowId: number,
): Promise<{ lease: Lease; taskRowId: number } | null> {
  const lease = await pool.claimIdle(taskRowId);
  return lease === null ? null : { lease, taskRowId };
}

/** Lease an account and run the turn on a new task, failing over before the first output byte. */
async function* runOnNewTask(
  deps: PooledTurnDeps,
  plan: TurnPlan,
  signal: AbortSignal,
  progress: RequestProgress,
): AsyncGenerator<UpstreamEvent> {
  const tried = new Set<number>();
  const relogged = new Set<number>();
  const rounds = plan.background ? 0 : deps.failoverRounds;
  const work = {
    kind: 'new' as const,
    model: plan.upstreamModel,
    content: plan.content,
    systemPrompt: plan.systemPrompt,
  };
  let last: AnyUpstreamFailure | null = null;
  for (let round = 0; ; round++) {
    let lease: Lease;
    const waitStarted = deps.now();
    try {
      lease = await deps.pool.acquire(plan.upstreamModel, signal, {
        exclude: tried,
        noWait: plan.background ?? false,
      });
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
    const end = yield* runAttempt(
      deps,
      lease,
      work,
      signal,
      progress,
      retryOnOtherAccount(round < rounds),
      plan.keep ?? null,
    );
    if (end.kind === 'done') return;
    last = end.failure;
    const id = lease.account.id;
    // A password account gets one more go once it is logged in again (a new session is a new chance).
    if (last.kind === 'session-expired' && lease.account.kind === 'password' && !relogged.has(id)) {
      relogged.add(id);
      tried.delete(id);
    }
    deps.logger.info(
      { accountId: id, kind: last.kind, round: round + 1 },
      'failing over before the first output byte',
    );
  }
}
