import type { AsyncStore, TaskRecord } from '../store/index.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import { isUpstreamFailure } from '../upstream/errors.js';
import type { Logger } from '../util/logger.js';
import type { PoolObserver } from './account-pool-types.js';
import { SessionWaits } from './session-waits.js';

export interface ReaperDeps {
  store: AsyncStore;
  adapter: UpstreamAdapter;
  logger: Logger;
  /** Also delete tasks after stopping them. */
  deleteTasks: boolean;
  /** Delays between stop attempts (ms); one attempt more than entries. */
  retryDelaysMs?: readonly number[];
  /** Told about stopped and recovered tasks (metrics). */
  observer?: PoolObserver;
  /** Log a password account in again (single-flight); settles when done. */
  relogin?: (accountId: number) => Promise<unknown>;
}

/** What one stop job was asked to do. */
interface StopOptions {
  recovered?: boolean;
  session?: string;
  /** Park a stop refused for an expired session until the account has a new one (default true). */
  waitForSession?: boolean;
}

/** Upstream creation times are whole seconds and clocks differ: look this far before a lost create. */
const LOST_CREATE_SLACK_MS = 5_000;
/** A create call may take up to the REST timeout (30 s by default) to be answered. */
const LOST_CREATE_WINDOW_MS = 40_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Stops the upstream tasks relaypool started, so none is leaked (a finished turn still holds a
 * concurrency slot until its task is stopped — docs/monkeycode-protocol.md §5.6, §7). Stops run in the
 * background with retries; `stopOrphans` cleans up after a crashed process; `drain` waits for
 * pending stops at shutdown.
 */
export class TaskReaper {
  readonly #pending = new Set<Promise<void>>();
  /** Rows whose stop is under way (kept in memory: a row stays `running`/`idle` until stopped). */
  readonly #stopping = new Set<number>();
  /** Stop jobs under way per account (a 10811 caused by our own stopping task waits for them). */
  readonly #byAccount = new Map<number, Set<Promise<void>>>();
  readonly #sessionWaits = new SessionWaits();
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
  stopAndWait(task: TaskRecord, options: StopOptions = {}): Promise<void> {
    this.#stopping.add(task.id);
    const jobs = this.#byAccount.get(task.accountId) ?? new Set<Promise<void>>();
    this.#byAccount.set(task.accountId, jobs);
    const job = this.#stopWithRetries(task, this.#delays, options)
      .catch((err: unknown) => this.deps.logger.error({ err, taskRow: task.id }, 'stopping a task failed'))
      .finally(() => {
        this.#pending.delete(job);
        this.#stopping.delete(task.id);
        jobs.delete(job);
        if (jobs.size === 0 && this.#byAccount.get(task.accountId) === jobs)
          this.#byAccount.delete(task.accountId);
      });
    this.#pending.add(job);
    jobs.add(job);
    return job;
  }

  /**
   * Wait (at most `timeoutMs`) for the stops of our tasks on an account; true when there were some
   * and they all ended. Task creation refused with 10811 (docs/monkeycode-protocol.md §7) while one of ours is being stopped
   * there is our own doing: after the stop (docs/monkeycode-protocol.md §4.4 frees the slot) the same account may create again.
   */
  async waitForStops(accountId: number, timeoutMs: number): Promise<boolean> {
    const jobs = [...(this.#byAccount.get(accountId) ?? [])];
    if (jobs.length === 0) return false;
    this.deps.logger.info(
      { accountId, stops: jobs.length },
      'task creation refused while our task is being stopped there: waiting for the stop',
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    try {
      return await Promise.race([Promise.all(jobs).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops parked for a session (refused as session-expired on an account that could not log in
   * again) are retried for accounts whose stored session changed; call after accounts change.
   */
  async retryPendingStops(): Promise<void> {
    if (this.#sessionWaits.accounts().length === 0) return;
    await this.#sessionWaits.check(async (accountId) => {
      try {
        return (await this.deps.store.accounts.getSecrets(accountId))?.cookie ?? null;
      } catch {
        return null;
      }
    });
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
  async stopStrays(accountId: number, keep: ReadonlySet<number>): Promise<number> {
    const strays = (await this.deps.store.tasks.listNeedingStop('own')).filter(
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
  async claimOrphans(): Promise<Array<{ accountId: number; stopped: Promise<void> }>> {
    const orphans = await this.deps.store.tasks.claimOrphans();
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
    const claimed = await this.claimOrphans();
    await Promise.all(claimed.map((orphan) => orphan.stopped));
    return claimed.length;
  }

  /** Wait (bounded) for background stops; then stop whatever this process still owns. */
  async drain(timeoutMs: number): Promise<void> {
    this.#sessionWaits.abandonAll();
    const deadline = sleep(timeoutMs);
    const own = await this.deps.store.tasks.listNeedingStop('own');
    await Promise.race([
      Promise.all([
        ...this.#pending,
        ...own.map((task) => this.#stopWithRetries(task, [], { waitForSession: false })),
      ]),
      deadline,
    ]);
  }

  async #stopWithRetries(task: TaskRecord, delays = this.#delays, options: StopOptions = {}): Promise<void> {
    const { store, logger } = this.deps;
    const upstreamTaskId = task.upstreamTaskId;
    // The create call never returned an id. Left by a dead process, it may still have created the
    // task upstream (killed while the answer was on its way): look for it, under the same session
    // recovery and retries as a stop (the row stays unfinished until the lookup got through).
    // (A `stopping` row without an id is such a lookup, parked or cut short by a shutdown.)
    if (upstreamTaskId === null && options.recovered !== true && task.state !== 'stopping') {
      await store.tasks.setState(task.id, 'failed', 'no upstream task id was recorded');
      return;
    }
    const stop =
      upstreamTaskId === null
        ? (session: string) => this.#stopLostCreate(task, session)
        : (session: string) => this.#stopOne(task, session, upstreamTaskId, options);
    // A serving task's row stays `running` until the stop is done: unfinished is all a restart needs
    // to stop it again (one SQLite commit less per request). An idle task is marked, so that a
    // restart does not take it over for its conversation while it is being stopped.
    if (task.state === 'idle') await store.tasks.setState(task.id, 'stopping');
    let given = options.session;
    let reloggedIn = false;
    for (let attempt = 0; ; attempt++) {
      const session = given ?? (await store.accounts.getSecrets(task.accountId))?.cookie ?? null;
      given = undefined;
      if (session === null) {
        if (upstreamTaskId === null)
          await store.tasks.setState(task.id, 'failed', 'no upstream task id was recorded');
        else
          await store.tasks.markStopped(task.id, 'account removed; the platform recycles the task when idle');
        return;
      }
      try {
        await stop(session);
        return;
      } catch (err) {
        const kind = isUpstreamFailure(err) ? err.kind : 'unknown';
        if (kind === 'not-found' && upstreamTaskId !== null) {
          await store.tasks.markStopped(task.id, 'the platform no longer knows the task');
          return;
        }
        if (kind === 'session-expired') {
          // A password account logs in again (single-flight with every other caller) and the stop
          // is retried at once with the new session.
          if (
            !reloggedIn &&
            this.deps.relogin &&
            (await store.accounts.get(task.accountId))?.kind === 'password'
          ) {
            reloggedIn = true;
            await this.deps.relogin(task.accountId);
            if ((await store.accounts.getSecrets(task.accountId))?.cookie !== session) continue;
          }
          if (!(await this.#awaitSession(task, session, options))) return;
          reloggedIn = false;
          continue;
        }
        const delay = delays[attempt];
        if (delay === undefined) {
          // Never `failed` while it may still run upstream: unfinished, the next start stops it.
          logger.warn({ taskRow: task.id, kind }, 'could not stop upstream task; the next start tries again');
          await store.tasks.setState(task.id, 'stopping', `stop failed (${kind}); retried at the next start`);
          return;
        }
        await sleep(delay);
      }
    }
  }

  async #stopOne(
    task: TaskRecord,
    session: string,
    upstreamTaskId: string,
    options: StopOptions,
  ): Promise<void> {
    const { store, adapter } = this.deps;
    await adapter.stopTask(session, upstreamTaskId);
    if (this.deps.deleteTasks) await adapter.deleteTask(session, upstreamTaskId).catch(() => undefined);
    await store.tasks.markStopped(task.id);
    this.deps.observer?.taskStopped?.(options.recovered ?? false);
  }

  /**
   * A create interrupted by a crash: stop the account's active tasks (docs/monkeycode-protocol.md §4.3 list) that no row of ours
   * names and that were created while that create call could have run (its row's creation time, up
   * to the REST timeout after it), then close the row. Throws what the list or a stop threw.
   */
  async #stopLostCreate(task: TaskRecord, session: string): Promise<void> {
    const { store, adapter, logger } = this.deps;
    const active = (await adapter.listActiveTasks?.(session)) ?? [];
    const lost = [];
    for (const t of active) {
      if (t.createdAt === null) continue;
      if (t.createdAt < task.createdAt - LOST_CREATE_SLACK_MS) continue;
      if (t.createdAt > task.createdAt + LOST_CREATE_WINDOW_MS) continue;
      if ((await store.tasks.findByUpstreamId(t.id)) === null) lost.push(t);
    }
    for (const t of lost) await adapter.stopTask(session, t.id);
    if (lost.length > 0)
      logger.warn(
        { taskRow: task.id, count: lost.length },
        'stopped tasks created by a create call interrupted by a crash',
      );
    const found = lost.length > 0 ? `; stopped ${lost.length} unrecorded task(s) created then` : '';
    await store.tasks.setState(task.id, 'failed', `no upstream task id was recorded${found}`);
  }

  /** Park a stop refused for an expired session; true when a new session is there to retry with. */
  async #awaitSession(task: TaskRecord, refused: string, options: StopOptions): Promise<boolean> {
    const pending = 'stop pending: the session expired; retried once the account has a session again';
    await this.deps.store.tasks.setState(task.id, 'stopping', pending);
    if (options.waitForSession === false) return false;
    this.deps.logger.warn({ taskRow: task.id, accountId: task.accountId }, pending);
    const wake = this.#sessionWaits.wait(task.accountId, refused);
    void this.retryPendingStops(); // a session may have been stored meanwhile
    return (await wake) === 'retry';
  }
}
