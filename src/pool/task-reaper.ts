import type { Store, TaskRecord } from '../store/index.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import { isUpstreamFailure } from '../upstream/errors.js';
import type { Logger } from '../util/logger.js';
import type { PoolObserver } from './pool-observer.js';

export interface ReaperDeps {
  store: Store;
  adapter: UpstreamAdapter;
  logger: Logger;
  /** Also delete tasks after stopping them. */
  deleteTasks: boolean;
  /** Delays between stop attempts (ms); one attempt more than entries. */
  retryDelaysMs?: readonly number[];
  /** Told about stopped and recovered tasks (metrics). */
  observer?: PoolObserver;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Stops the upstream tasks relaypool started, so none is leaked (a finished turn still holds a
 * concurrency slot until its task is stopped — protocol spec §5.6, §7). Stops run in the
 * background with retries; `stopOrphans` cleans up after a crashed process; `drain` waits for
 * pending stops at shutdown.
 */
export class TaskReaper {
  readonly #pending = new Set<Promise<void>>();
  /** Rows whose stop is under way (kept in memory: a row stays `running`/`idle` until stopped). */
  readonly #stopping = new Set<number>();
  readonly #delays: readonly number[];

  constructor(private readonly deps: ReaperDeps) {
    this.#delays = deps.retryDelaysMs ?? [500, 2_000, 8_000];
  }

  /** Stop one task in the background (tracked until done). */
  stop(task: TaskRecord): void {
    void this.stopAndWait(task);
  }

  /**
   * Stop one task (tracked until done); resolves when it is stopped or given up on, never rejects.
   * `session` is the account's session when the caller holds it (a lease): the first attempt uses
   * it instead of reading and decrypting it again; retries read the stored one (it may be renewed).
   */
  stopAndWait(task: TaskRecord, options: { recovered?: boolean; session?: string } = {}): Promise<void> {
    this.#stopping.add(task.id);
    const job = this.#stopWithRetries(task, this.#delays, options)
      .catch((err: unknown) => this.deps.logger.error({ err, taskRow: task.id }, 'stopping a task failed'))
      .finally(() => {
        this.#pending.delete(job);
        this.#stopping.delete(task.id);
      });
    this.#pending.add(job);
    return job;
  }

  /**
   * Stop a task whose row is gone (its account was removed while a request ran), with the session
   * the request held. Resolves when done, never rejects.
   */
  stopDetached(session: string, upstreamTaskId: string): Promise<void> {
    const job = this.deps.adapter
      .stopTask(session, upstreamTaskId)
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { kind: isUpstreamFailure(err) ? err.kind : 'unknown' },
          'could not stop the task of a removed account',
        ),
      )
      .finally(() => this.#pending.delete(job));
    this.#pending.add(job);
    return job;
  }

  /**
   * Stop our own tasks on an account that are not serving a live request (`keep`): the platform
   * said a task is still active there (10811), so whatever of ours lingers must go.
   */
  stopStrays(accountId: number, keep: ReadonlySet<number>): number {
    const strays = this.deps.store.tasks
      .listNeedingStop('own')
      .filter(
        (task) =>
          task.accountId === accountId &&
          !keep.has(task.id) &&
          !this.#stopping.has(task.id) &&
          task.state !== 'stopping' &&
          task.upstreamTaskId !== null,
      );
    if (strays.length > 0)
      this.deps.logger.warn({ accountId, count: strays.length }, 'stopping stray tasks on a busy account');
    for (const task of strays) this.stop(task);
    return strays.length;
  }

  /**
   * Take over tasks left by processes that are gone and start stopping them; one promise per task
   * (with its account), so the pool can keep that account's slot until the stop is done.
   */
  claimOrphans(): Array<{ accountId: number; stopped: Promise<void> }> {
    const orphans = this.deps.store.tasks.claimOrphans();
    if (orphans.length > 0)
      this.deps.logger.warn({ count: orphans.length }, 'stopping upstream tasks left by an earlier process');
    if (orphans.length > 0) this.deps.observer?.tasksRecovered?.(orphans.length);
    return orphans.map((task) => ({
      accountId: task.accountId,
      stopped: this.stopAndWait(task, { recovered: true }),
    }));
  }

  /** Take over tasks left by processes that are gone, and stop them. Resolves to how many. */
  async stopOrphans(): Promise<number> {
    const claimed = this.claimOrphans();
    await Promise.all(claimed.map((orphan) => orphan.stopped));
    return claimed.length;
  }

  /** Wait (bounded) for background stops; then stop whatever this process still owns. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = sleep(timeoutMs);
    const own = this.deps.store.tasks.listNeedingStop('own');
    await Promise.race([
      Promise.all([...this.#pending, ...own.map((task) => this.#stopWithRetries(task, []))]),
      deadline,
    ]);
  }

  async #stopWithRetries(
    task: TaskRecord,
    delays = this.#delays,
    options: { recovered?: boolean; session?: string } = {},
  ): Promise<void> {
    const { store, adapter, logger } = this.deps;
    if (task.upstreamTaskId === null) {
      // The create call never returned an id: nothing upstream we can name, so nothing to stop.
      store.tasks.setState(task.id, 'failed', 'no upstream task id was recorded');
      return;
    }
    // A serving task's row stays `running` until the stop is done: unfinished is all a restart needs
    // to stop it again (one SQLite commit less per request). An idle task is marked, so that a
    // restart does not take it over for its conversation while it is being stopped.
    if (task.state === 'idle') store.tasks.setState(task.id, 'stopping');
    for (let attempt = 0; ; attempt++) {
      const session =
        (attempt === 0 ? options.session : undefined) ??
        store.accounts.getSecrets(task.accountId)?.cookie ??
        null;
      if (session === null) {
        store.tasks.markStopped(task.id, 'account removed; the platform recycles the task when idle');
        return;
      }
      try {
        await adapter.stopTask(session, task.upstreamTaskId);
        if (this.deps.deleteTasks)
          await adapter.deleteTask(session, task.upstreamTaskId).catch(() => undefined);
        store.tasks.markStopped(task.id);
        this.deps.observer?.taskStopped?.(options.recovered ?? false);
        return;
      } catch (err) {
        const kind = isUpstreamFailure(err) ? err.kind : 'unknown';
        const delay = delays[attempt];
        if (kind === 'not-found') {
          store.tasks.markStopped(task.id, 'the platform no longer knows the task');
          return;
        }
        if (kind === 'session-expired' || delay === undefined) {
          logger.warn({ taskRow: task.id, kind }, 'could not stop upstream task');
          store.tasks.setState(task.id, 'failed', `stop failed (${kind})`);
          return;
        }
        await sleep(delay);
      }
    }
  }
}
