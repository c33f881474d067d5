import type { Store, TaskRecord } from '../store/index.js';
import type { AnyUpstreamFailure } from '../upstream/errors.js';
import type { UpstreamAdapter, UpstreamEvent } from '../upstream/types.js';
import { policyFor } from './failure-policy.js';
import type { AccountSelector, Lease, LeaseOutcome } from './lease.js';
import type { PoolObserver } from './pool-observer.js';
import type { TaskReaper } from './task-reaper.js';

/** What one attempt needs (a subset of the turn runner's deps). */
export interface AttemptDeps {
  store: Store;
  adapter: UpstreamAdapter;
  pool: AccountSelector;
  reaper: TaskReaper;
  turnTimeoutMs: number;
  vmReadyTimeoutMs: number;
  now: () => number;
  /** Told about tasks started and upstream failures (metrics). */
  observer?: PoolObserver;
}

/** The task an attempt starts. */
export interface AttemptTurn {
  content: string;
  systemPrompt: string | null;
}

/** What a request has done so far, across attempts (drives failover and the usage row). */
export interface RequestProgress {
  started: number;
  /** A `task-created` went to the consumer (headers may be out); later ones are swallowed. */
  opened: boolean;
  /** The first output event (text, reasoning, tool activity) went to the consumer. */
  output: boolean;
  ttfbMs: number | null;
  usage: { input: number; output: number; total: number; estimated: boolean } | null;
  /** `ok`, a failure kind, or `aborted`. */
  outcome: string;
  accountId: number | null;
  taskId: string | null;
}

/** How an attempt ended: `done` (its terminal event went out, or the consumer stopped), or `retry`. */
export type AttemptEnd = { kind: 'done' } | { kind: 'retry'; failure: AnyUpstreamFailure };

const OUTPUT = new Set<UpstreamEvent['type']>(['text', 'reasoning', 'tool-activity']);

/**
 * One attempt of a request on one leased account: record the task, run the turn, pass events on.
 * A failure before the first output byte that another account may fix is withheld (`retry`)
 * when `mayRetry`; otherwise it goes out as the terminal `error` event. Always releases the
 * lease: the slot is handed on once the attempt's task is stopped upstream.
 */
export async function* runAttempt(
  deps: AttemptDeps,
  lease: Lease,
  turn: AttemptTurn,
  signal: AbortSignal,
  progress: RequestProgress,
  mayRetry: boolean,
): AsyncGenerator<UpstreamEvent, AttemptEnd> {
  let record: TaskRecord;
  try {
    record = deps.store.tasks.begin({ accountId: lease.account.id, purpose: 'stateless' });
  } catch (err) {
    lease.release({ result: 'abandoned' }); // e.g. the account was removed a moment ago
    throw err;
  }
  lease.attachTask(record.id);
  Object.assign(progress, { accountId: lease.account.id, taskId: null, outcome: 'aborted' });
  let outcome: LeaseOutcome = { result: 'abandoned' };
  let taskId: string | null = null;
  try {
    const request = { kind: 'new-task' as const, modelId: lease.modelId, content: turn.content, ...(turn.systemPrompt ? { systemPrompt: turn.systemPrompt } : {}) };
    const events = deps.adapter.runTurn(lease.session, request, { signal, turnTimeoutMs: deps.turnTimeoutMs, vmReadyTimeoutMs: deps.vmReadyTimeoutMs });
    for await (const event of events) {
      if (event.type === 'error') {
        outcome = { result: 'failure', failure: event.error, afterOutput: progress.output };
        deps.observer?.upstreamError?.(event.kind, event.error.upstreamCode ?? null);
        progress.outcome = event.kind;
        if (mayRetry && !progress.output && policyFor(event.kind).failover) return { kind: 'retry', failure: event.error };
        yield event;
        return { kind: 'done' };
      }
      if (event.type === 'task-created') {
        taskId = progress.taskId = event.taskId;
        deps.store.tasks.setUpstreamId(record.id, event.taskId);
        deps.observer?.taskStarted?.();
        if (progress.opened) continue; // a retried attempt's task: headers are out already
        progress.opened = true;
      }
      if (event.type === 'finish') {
        outcome = { result: 'success' };
        progress.outcome = 'ok';
      }
      track(progress, event, deps.now());
      yield event;
    }
    return { kind: 'done' };
  } finally {
    settleAttempt(deps, lease, record.id, taskId, outcome);
  }
}

function track(progress: RequestProgress, event: UpstreamEvent, now: number): void {
  if (OUTPUT.has(event.type) && !progress.output) {
    progress.output = true;
    progress.ttfbMs = now - progress.started;
  }
  if (event.type === 'usage') {
    progress.usage = { input: event.inputTokens, output: event.outputTokens, total: event.totalTokens, estimated: event.estimated };
  }
}

/** Release the lease; its slot is handed on once the task is stopped (it holds the platform's slot). */
function settleAttempt(deps: AttemptDeps, lease: Lease, rowId: number, taskId: string | null, outcome: LeaseOutcome): void {
  const row = deps.store.tasks.get(rowId);
  let drained: Promise<unknown> | undefined;
  if (row === null) {
    // The account was removed while the request ran (its rows went with it): stop with the lease's session.
    drained = taskId === null ? undefined : deps.reaper.stopDetached(lease.session, taskId);
  } else if (taskId === null) {
    const why = outcome.result === 'failure' ? outcome.failure.kind : 'aborted';
    deps.store.tasks.setState(rowId, 'failed', `no task was created (${why})`);
  } else if (outcome.result === 'failure' && outcome.failure.kind === 'session-expired') {
    // A dead session cannot stop its task. `release` below starts the re-login; once it is done,
    // stop the task with the new session (read after this tick, when the re-login is registered).
    drained = Promise.resolve()
      .then(() => deps.pool.whenRecovered(lease.account.id))
      .then(() => deps.reaper.stopAndWait(row));
  } else {
    drained = deps.reaper.stopAndWait(row);
  }
  lease.release(outcome, drained);
}
