import type { RequestTrace } from '../util/request-trace.js';
import type { AsyncStore, TaskRecord } from '../store/index.js';
import { policyFor, type AnyUpstreamFailure, type UpstreamErrorKind } from '../upstream/errors.js';
import type { TokenUsage, TurnRequest, UpstreamAdapter, UpstreamEvent } from '../upstream/types.js';
import type { AccountSelector, Lease, LeaseOutcome } from './lease.js';
import type { PoolObserver } from './account-pool-types.js';
import type { TaskReaper } from './task-reaper.js';

/** What one attempt needs (a subset of the turn runner's deps). */
export interface AttemptDeps {
  store: AsyncStore;
  adapter: UpstreamAdapter;
  pool: AccountSelector;
  reaper: TaskReaper;
  turnTimeoutMs: number;
  vmReadyTimeoutMs: number;
  now: () => number;
  /** Told about tasks started and upstream failures (metrics). */
  observer?: PoolObserver;
}

/**
 * What an attempt runs: the first turn of a new task (the whole rendered conversation), or one
 * more turn on a task relaypool kept idle (only the new text).
 */
export type AttemptWork =
  | { kind: 'new'; model: string; content: string; systemPrompt: string | null }
  | { kind: 'resume'; model: string; row: TaskRecord; upstreamTaskId: string; text: string };

/** Keep the task idle after a successful turn instead of stopping it. */
export interface KeepTask {
  ttlMs: number;
  /** A warm task: pre-booted, no conversation owns it. */
  warm?: boolean;
  /** Told once the task is kept, with the answer text of the turn (to key the conversation). */
  onKept?: (task: KeptTask) => void | Promise<void>;
}

/** A task kept idle after a turn. */
export interface KeptTask {
  taskRowId: number;
  accountId: number;
  /** The turn's assistant text (text events, joined). */
  answer: string;
}

/** What a request has done so far, across attempts (drives failover and the usage row). */
export interface RequestProgress {
  started: number;
  /** A `task-created`/`task-resumed` went to the consumer (headers may be out); later ones are swallowed. */
  opened: boolean;
  /** The first output event (text, reasoning, tool activity) went to the consumer. */
  output: boolean;
  ttfbMs: number | null;
  usage: TokenUsage | null;
  /** `ok`, a failure kind, or `aborted` (the usage row's `outcome`). */
  outcome: 'ok' | 'aborted' | UpstreamErrorKind;
  accountId: number | null;
  taskId: string | null;
  /** The current attempt continues a kept task (its prompt is only the new text). */
  resumed: boolean;
  /** The assistant text so far (only collected when the task may be kept). */
  answer: string;
  /** The request's trace for its access log line (account label, task id). */
  trace: RequestTrace | null;
}

/** How an attempt ended: `done` (its terminal event went out, or the consumer stopped), or `retry`. */
export type AttemptEnd = { kind: 'done' } | { kind: 'retry'; failure: AnyUpstreamFailure };

/** How long a create refused with 10811 waits for our own stop on the same account. */
const OWN_STOP_WAIT_MS = 15_000;

const OUTPUT = new Set<UpstreamEvent['type']>(['text', 'reasoning', 'tool-activity']);

/** Which failures before the first output byte an attempt may withhold so the request can try again. */
export type RetryRule = (kind: UpstreamErrorKind) => boolean;

/** New tasks: retry what another account may fix (the failure policy), while rounds remain. */
export const retryOnOtherAccount =
  (mayRetry: boolean): RetryRule =>
  (kind) =>
    mayRetry && policyFor(kind).failover;

/**
 * A kept task that cannot take the turn (gone, asleep for good, broken) is replaced by a new task
 * replaying the conversation — always correct. A turn timeout already cost its full time: not that.
 */
export const replayUnlessTimedOut: RetryRule = (kind) => kind !== 'timeout';

/**
 * One attempt of a request on one leased account: record the task, run the turn, pass events on.
 * A failure before the first output byte that `retry` accepts is withheld (`retry`); otherwise it
 * goes out as the terminal `error` event. Always gives the lease back: the slot is handed on once
 * the attempt's task is stopped, or kept by the idle task when `keep` is set and the turn succeeded.
 */
export async function* runAttempt(
  deps: AttemptDeps,
  lease: Lease,
  work: AttemptWork,
  signal: AbortSignal,
  progress: RequestProgress,
  retry: RetryRule,
  keep: KeepTask | null,
): AsyncGenerator<UpstreamEvent, AttemptEnd> {
  const record = await beginTask(deps, lease, work, keep);
  // A new attempt: what the request did so far now belongs to this account and task.
  progress.accountId = lease.account.id;
  progress.taskId = work.kind === 'resume' ? work.upstreamTaskId : null;
  progress.resumed = work.kind === 'resume';
  progress.outcome = 'aborted';
  progress.answer = '';
  if (progress.trace) {
    progress.trace.account = lease.account.label;
    progress.trace.taskId = progress.taskId;
  }
  let outcome: LeaseOutcome = { result: 'abandoned' };
  let taskId: string | null = work.kind === 'resume' ? work.upstreamTaskId : null;
  try {
    for (let round = 0; ; round++) {
      const events = deps.adapter.runTurn(lease.session, turnRequest(lease, work), {
        signal,
        turnTimeoutMs: deps.turnTimeoutMs,
        vmReadyTimeoutMs: deps.vmReadyTimeoutMs,
      });
      let createAgain = false;
      for await (const event of events) {
        if (event.type === 'error') {
          // docs/monkeycode-protocol.md §7: 10811 while our own task on this account is being stopped is our doing: once that
          // stop is through (docs/monkeycode-protocol.md §4.4 frees the slot), create again here instead of cooling the account.
          if (round === 0 && taskId === null && event.kind === 'concurrency' && !signal.aborted) {
            createAgain = await deps.reaper.waitForStops(lease.account.id, OWN_STOP_WAIT_MS);
            if (createAgain) break;
          }
          outcome = { result: 'failure', failure: event.error, afterOutput: progress.output };
          deps.observer?.upstreamError?.(event.kind, event.error.upstreamCode ?? null);
          progress.outcome = event.kind;
          if (!progress.output && retry(event.kind)) return { kind: 'retry', failure: event.error };
          yield event;
          return { kind: 'done' };
        }
        if (event.type === 'task-created') {
          taskId = progress.taskId = event.taskId;
          if (progress.trace) progress.trace.taskId = event.taskId;
          await deps.store.tasks.setUpstreamId(record.id, event.taskId);
          deps.observer?.taskStarted?.();
        }
        if (event.type === 'stream-reattached') {
          deps.observer?.streamResumed?.();
          continue;
        }
        if (event.type === 'task-created' || event.type === 'task-resumed') {
          if (progress.opened) continue; // a retried attempt's task: headers are out already
          progress.opened = true;
        }
        if (event.type === 'finish') {
          outcome = { result: 'success' };
          progress.outcome = 'ok';
        }
        track(progress, event, deps.now(), keep !== null);
        yield event;
      }
      if (!createAgain) return { kind: 'done' };
    }
  } finally {
    const task = { rowId: record.id, taskId, model: work.model, answer: progress.answer };
    await settleAttempt(deps, lease, task, outcome, keep).catch(() => {
      // The store failed: the slot still goes back once the task is stopped (its row stays unfinished,
      // so a later start stops it again if this stop fails too).
      lease.release(outcome, taskId === null ? undefined : deps.reaper.stopDetached(lease.session, taskId));
    });
  }
}

async function beginTask(
  deps: AttemptDeps,
  lease: Lease,
  work: AttemptWork,
  keep: KeepTask | null,
): Promise<TaskRecord> {
  try {
    if (work.kind === 'resume') return (await deps.store.tasks.setState(work.row.id, 'running')) ?? work.row;
    const record = await deps.store.tasks.begin({
      accountId: lease.account.id,
      purpose: keep === null ? 'stateless' : 'conversation',
    });
    lease.attachTask(record.id);
    return record;
  } catch (err) {
    lease.release({ result: 'abandoned' }); // e.g. the account was removed a moment ago
    throw err;
  }
}

function turnRequest(lease: Lease, work: AttemptWork): TurnRequest {
  if (work.kind === 'resume') return { kind: 'follow-up', taskId: work.upstreamTaskId, text: work.text };
  return {
    kind: 'new-task',
    modelId: lease.modelId,
    content: work.content,
    ...(work.systemPrompt ? { systemPrompt: work.systemPrompt } : {}),
  };
}

function track(progress: RequestProgress, event: UpstreamEvent, now: number, collectAnswer: boolean): void {
  if (OUTPUT.has(event.type) && !progress.output) {
    progress.output = true;
    progress.ttfbMs = now - progress.started;
  }
  if (event.type === 'text' && collectAnswer) progress.answer += event.text;
  if (event.type === 'usage') {
    const { inputTokens, outputTokens, totalTokens, estimated } = event;
    progress.usage = { inputTokens, outputTokens, totalTokens, estimated };
  }
}

interface AttemptTask {
  rowId: number;
  taskId: string | null;
  model: string;
  answer: string;
}

/**
 * Give the lease back. The task is kept idle when the turn succeeded and `keep` asks for it;
 * otherwise it is stopped and the slot handed on once that is done (it holds the platform's slot).
 */
async function settleAttempt(
  deps: AttemptDeps,
  lease: Lease,
  task: AttemptTask,
  outcome: LeaseOutcome,
  keep: KeepTask | null,
): Promise<void> {
  const { rowId, taskId } = task;
  const row = await deps.store.tasks.get(rowId);
  let drained: Promise<unknown> | (() => Promise<unknown>) | undefined;
  if (row === null) {
    // The account was removed while the request ran (its rows went with it): stop with the lease's session.
    drained = taskId === null ? undefined : deps.reaper.stopDetached(lease.session, taskId);
  } else if (taskId === null) {
    const why = outcome.result === 'failure' ? outcome.failure.kind : 'aborted';
    await deps.store.tasks.setState(rowId, 'failed', `no task was created (${why})`);
  } else if (outcome.result === 'success' && keep !== null && row.state === 'running') {
    await deps.store.tasks.setState(rowId, 'idle');
    const stop = async (): Promise<void> => {
      const latest = await deps.store.tasks.get(rowId);
      await (latest === null
        ? deps.reaper.stopDetached(lease.session, taskId)
        : deps.reaper.stopAndWait(latest));
    };
    lease.park(outcome, {
      taskRowId: rowId,
      model: task.model,
      stop,
      ttlMs: keep.ttlMs,
      warm: keep.warm ?? false,
    });
    await keep.onKept?.({ taskRowId: rowId, accountId: lease.account.id, answer: task.answer });
    return;
  } else if (outcome.result === 'failure' && outcome.failure.kind === 'session-expired') {
    // A dead session cannot stop its task. `release` below records the failure, which starts the
    // re-login; then (a function: called after that) wait for it and stop the task with the new session.
    drained = () => deps.pool.whenRecovered(lease.account.id).then(() => deps.reaper.stopAndWait(row));
  } else {
    drained = deps.reaper.stopAndWait(row, { session: lease.session });
  }
  lease.release(outcome, drained);
}
