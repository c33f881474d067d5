import type { Store } from '../store/index.js';
import type { UpstreamAdapter, UpstreamEvent } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { AccountSelector, LeaseOutcome } from './lease.js';
import type { ModelCatalog } from './model-catalog.js';
import type { TaskReaper } from './task-reaper.js';

export interface TurnRunnerDeps {
  store: Store;
  adapter: UpstreamAdapter;
  selector: AccountSelector;
  catalog: ModelCatalog;
  reaper: TaskReaper;
  logger: Logger;
  turnTimeoutMs: number;
  vmReadyTimeoutMs: number;
  now: () => number;
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

interface Tally {
  usage: { input: number; output: number; total: number; estimated: boolean } | null;
  ttfbMs: number | null;
  outcome: string;
}

/**
 * Run one stateless turn on a pooled account (design §3): lease an account, record the task
 * before it exists upstream, stream the turn's events, and always — normal end, failure or client
 * abort — release the lease, stop the task in the background and record usage.
 * Lease failures (no account, all busy) throw before the first event.
 */
export async function* runStatelessTurn(deps: TurnRunnerDeps, turn: StatelessTurn, signal: AbortSignal): AsyncGenerator<UpstreamEvent> {
  const started = deps.now();
  const lease = await deps.selector.acquire(turn.upstreamModel, signal);
  const modelId = deps.catalog.upstreamIdFor(lease.account.id, turn.upstreamModel);
  const record = deps.store.tasks.begin({ accountId: lease.account.id, purpose: 'stateless' });
  const tally: Tally = { usage: null, ttfbMs: null, outcome: 'aborted' };
  let outcome: LeaseOutcome = { ok: true };
  let upstreamTaskId: string | null = null;
  try {
    const events = deps.adapter.runTurn(
      lease.session,
      { kind: 'new-task', modelId: modelId ?? '', content: turn.content, ...(turn.systemPrompt ? { systemPrompt: turn.systemPrompt } : {}) },
      { signal, turnTimeoutMs: deps.turnTimeoutMs, vmReadyTimeoutMs: deps.vmReadyTimeoutMs },
    );
    for await (const event of events) {
      if (event.type === 'task-created') {
        upstreamTaskId = event.taskId;
        deps.store.tasks.setUpstreamId(record.id, event.taskId);
      } else if (event.type === 'text' || event.type === 'reasoning') {
        tally.ttfbMs ??= deps.now() - started;
      } else if (event.type === 'usage') {
        tally.usage = { input: event.inputTokens, output: event.outputTokens, total: event.totalTokens, estimated: event.estimated };
      } else if (event.type === 'finish') {
        tally.outcome = 'ok';
      } else if (event.type === 'error') {
        tally.outcome = event.kind;
        outcome = { ok: false, failure: event.error };
      }
      yield event;
    }
  } finally {
    lease.release(outcome);
    const current = deps.store.tasks.get(record.id);
    if (current !== null) {
      if (upstreamTaskId === null) deps.store.tasks.setState(record.id, 'failed', `no task was created (${tally.outcome})`);
      else deps.reaper.stop(current);
    }
    recordUsage(deps, turn, lease.account.id, upstreamTaskId, tally, deps.now() - started);
  }
}

/** One usage row per request; tokens only when the turn reported them (the adapter estimates when the platform has none). */
function recordUsage(deps: TurnRunnerDeps, turn: StatelessTurn, accountId: number, taskId: string | null, tally: Tally, durationMs: number): void {
  try {
    deps.store.usage.record({
      route: turn.route,
      outcome: tally.outcome,
      model: turn.upstreamModel,
      accountId,
      clientKeyHash: turn.clientKeyHash,
      upstreamTaskId: taskId,
      promptTokens: tally.usage?.input,
      completionTokens: tally.usage?.output,
      totalTokens: tally.usage?.total,
      estimated: tally.usage?.estimated ?? false,
      ttfbMs: tally.ttfbMs,
      durationMs,
    });
  } catch (err) {
    deps.logger.error({ err }, 'could not record usage');
  }
}
