import type { Account } from '../store/index.js';
import { abortReason } from '../util/timing.js';
import { WaitQueue } from './wait-queue.js';
import { ServiceUnavailableError } from '../util/errors.js';
import { classifyAccounts, type PoolSnapshot } from './selection.js';
import { AccountsView } from './accounts-view.js';
import { queueTimeoutError } from './client-error.js';
import { LeaseFactory } from './lease-factory.js';
import { IdleSlots, type IdleTask, type ParkRequest } from './idle-slots.js';
import type { AccountSelector, AcquireOptions, Lease } from './lease.js';
import type { AccountPoolDeps } from './account-pool-types.js';
import { PoolHealth, type StrayListener } from './pool-health.js';
import { SharedSlots, SlotLedger } from './slots.js';
import { PeerRequests } from './peer-requests.js';
import { WaiterDispatch } from './waiter-dispatch.js';

export type { PoolOptions } from './account-pool-types.js';
export type { AccountPoolDeps } from './account-pool-types.js';

/** See `PoolOptions.processTtlMs`. */
const DEFAULT_PROCESS_TTL_MS = 10_000;

/** Whether an account may run a turn now (cooling only says "no new tasks"; a kept task may go on). */
function canServe(account: Account): boolean {
  return account.enabled && account.hasCookie && account.state !== 'expired' && account.state !== 'invalid';
}

/**
 * The account pool (docs/architecture.md §4): leases on accounts with free slots, a fair FIFO wait queue with a
 * bounded wait, selection strategies, and health kept by `PoolHealth`. Leases live in memory;
 * accounts, cooldowns and states live in the store, re-read whenever another connection (the
 * CLI, another process) changes it.
 */
export class AccountPool implements AccountSelector {
  readonly #deps: AccountPoolDeps;
  /** Account health: events from outside a lease (the health check), re-logins. */
  readonly health: PoolHealth;
  readonly #slots = new SlotLedger();
  /** The same slots as lease rows every process on the database sees (issue #12). */
  readonly #shared: SharedSlots;
  readonly #queue: WaitQueue;
  readonly #liveTasks = new Set<number>();
  readonly #idle: IdleSlots;
  readonly #slotListeners: Array<() => void> = [];
  readonly #leases: LeaseFactory;
  readonly #dispatch: WaiterDispatch;
  /** What other processes on the database ask of this one, and it of them. */
  readonly #peers: PeerRequests;
  /** The accounts as last read; waiters are served once a read under way is in. */
  readonly #view: AccountsView;
  readonly #stopListening: Array<() => Promise<void>> = [];
  #closed = false;

  constructor(deps: AccountPoolDeps) {
    this.#deps = deps;
    this.#view = new AccountsView({ ...deps, loaded: (snapshot) => this.#loaded(snapshot) });
    this.#shared = new SharedSlots({
      repo: deps.store.slots,
      timers: deps.timers,
      logger: deps.logger,
      ttlMs: deps.options.processTtlMs ?? DEFAULT_PROCESS_TTL_MS,
    });
    this.#queue = new WaitQueue({
      clock: deps.clock,
      timers: deps.timers,
      timeoutMs: deps.options.queueTimeoutMs,
      timeoutError: (waiter) => {
        const now = deps.clock.now();
        return queueTimeoutError(
          classifyAccounts(this.#current(), waiter.model, this.#dispatch.context(waiter, now)).eligible,
          now - waiter.since,
        );
      },
    });
    this.#idle = new IdleSlots({
      clock: deps.clock,
      timers: deps.timers,
      logger: deps.logger,
      hold: (accountId) => {
        this.#slots.take(accountId);
        this.#shared.mark(accountId, 'idle', 'serving'); // stopping: still taken upstream
      },
      free: (accountId) => this.#free(accountId),
      forgetTask: (taskRowId) => this.#liveTasks.delete(taskRowId),
    });
    this.health = new PoolHealth({
      ...deps,
      timings: deps.options.timings,
      liveTasks: () => this.#liveTasks,
      onChange: () => void this.invalidate(),
      known: (accountId) => this.#current().accounts.find((a) => a.id === accountId),
    });
    this.#leases = new LeaseFactory({
      logger: deps.logger,
      snapshot: () => this.#current(),
      health: this.health,
      liveTasks: this.#liveTasks,
      free: (accountId) => this.#free(accountId),
      park: (accountId, task) => this.#park(accountId, task),
      // The platform says a task still runs there: our idle tasks on that account go first.
      onConcurrencyFailure: (accountId) => this.#idle.sweep((id) => id !== accountId),
    });
    this.#dispatch = new WaiterDispatch({
      clock: deps.clock,
      timers: deps.timers,
      options: deps.options,
      queue: this.#queue,
      slots: this.#slots,
      shared: this.#shared,
      idle: this.#idle,
      leases: this.#leases,
      snapshot: () => this.#current(),
      recovering: (id) => this.health.recovering(id),
      ready: () => this.#view.ready,
      closed: () => this.#closed,
    });
    this.#peers = new PeerRequests({
      store: deps.store,
      clock: deps.clock,
      timers: deps.timers,
      logger: deps.logger,
      shared: this.#shared,
      idle: this.#idle,
      claimReceived: (accountId, taskRowId, model) => this.#received(accountId, taskRowId, model),
      forgetTask: (taskRowId) => this.#liveTasks.delete(taskRowId),
      closed: () => this.#closed,
    });
  }

  /** Read the accounts for the first time (before the pool serves). */
  async load(): Promise<void> {
    await this.checkForChanges();
  }

  /**
   * See `AccountSelector.acquire`. The request queues at once (its place and its wait start now);
   * it is served once the pool has looked for changes another process or the CLI made.
   */
  acquire(model: string, signal: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    if (this.#closed)
      return Promise.reject(
        new ServiceUnavailableError('relaypool is shutting down', { code: 'shutting_down' }),
      );
    return this.#queue.enqueue(model, signal, options, () => {
      this.checkForChanges().then(
        () => this.#dispatch.run(),
        (err: unknown) => {
          this.#deps.logger.warn({ err }, 'could not look for account changes');
          this.#dispatch.run();
        },
      );
    });
  }

  /** Slots serving a request (or stopping a task) per account id; idle tasks are not counted. */
  inFlight(): ReadonlyMap<number, number> {
    return this.#slots.busy;
  }

  /** Idle tasks (kept for a conversation, or warm) per account id; each holds a slot. */
  idleCounts(): ReadonlyMap<number, number> {
    return this.#idle.tasks.counts();
  }

  /** Slots other processes on the database use to serve requests, per account id (their idle tasks not counted). */
  elsewhere(): ReadonlyMap<number, number> {
    const serving = new Map<number, number>();
    for (const [accountId, count] of this.#shared.others) {
      const busy = count - (this.#shared.othersIdle.get(accountId) ?? 0);
      if (busy > 0) serving.set(accountId, busy);
    }
    return serving;
  }

  /** Warm idle tasks running `model`. */
  warmCount(model: string): number {
    return this.#idle.warmCount(model);
  }

  /** See `PoolHealth.onStrays`. */
  onStrays(listener: StrayListener): void {
    this.health.onStrays(listener);
  }

  /** Call `listener` whenever a slot may have become free for background work (no request waiting). */
  onSlotsChanged(listener: () => void): void {
    this.#slotListeners.push(listener);
  }

  /** See `AccountSelector.claimIdle`. */
  async claimIdle(taskRowId: number): Promise<Lease | null> {
    await this.checkForChanges();
    const task = this.#idle.tasks.get(taskRowId);
    return task === null ? null : this.#claim(task);
  }

  /** See `AccountSelector.claimWarm`. */
  async claimWarm(model: string): Promise<{ lease: Lease; taskRowId: number } | null> {
    await this.checkForChanges();
    for (;;) {
      const task = this.#idle.tasks.oldest((t) => t.warm && t.model === model);
      if (task === null) return null;
      const lease = this.#claim(task);
      if (lease === null) continue;
      this.#slotsChanged(); // one warm task fewer
      return { lease, taskRowId: task.taskRowId };
    }
  }

  /**
   * Keep a task that a previous process left idle for a conversation (crash recovery or restart)
   * as one of this pool's idle tasks; stopped at once when its account cannot serve.
   */
  adoptIdle(accountId: number, request: ParkRequest): void {
    this.#liveTasks.add(request.taskRowId);
    void this.#shared.occupy(accountId, 'idle');
    const task = this.#idle.park(accountId, request);
    const account = this.#current().accounts.find((a) => a.id === accountId);
    if (account === undefined || !canServe(account) || this.#closed) this.#idle.evict(task);
  }

  /** Requests waiting for a slot. */
  queued(): number {
    return this.#queue.size;
  }

  /** See `AccountSelector.whenRecovered`. */
  whenRecovered(accountId: number): Promise<void> {
    return this.health.whenRecovered(accountId);
  }

  /**
   * Occupy one slot of an account until `until` settles (e.g. while a crashed run's task is
   * stopped); resolves once the slot is recorded for every process.
   */
  hold(accountId: number, until: Promise<unknown>): Promise<void> {
    this.#slots.take(accountId);
    const recorded = this.#shared.occupy(accountId, 'serving');
    const free = (): void => this.#free(accountId);
    void until.then(free, free);
    return recorded;
  }

  /** Every upstream model name some account offers, from the cached snapshot (no query per request). */
  modelNames(): ReadonlySet<string> {
    return this.#current().modelNames;
  }

  /**
   * Read the accounts again (something changed them) and then serve waiters again; until the read
   * is in, waiters wait for it. Resolves once the newest read is in.
   */
  invalidate(): Promise<void> {
    return this.#view.reload();
  }

  /** A read of the accounts is in: idle tasks whose account can no longer serve go; waiters are served. */
  #loaded(snapshot: PoolSnapshot): void {
    if (this.#idle.tasks.size > 0) {
      // Idle tasks whose account can no longer serve (disabled, removed, expired, invalid) go.
      const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
      this.#idle.sweep((id) => {
        const account = accounts.get(id);
        return account !== undefined && canServe(account);
      });
    }
    if (this.#queue.size > 0) this.#dispatch.run();
  }

  /**
   * Re-read the store if another connection committed since the last look (one query), and wait for
   * a read under way. Call before every decision.
   */
  async checkForChanges(): Promise<void> {
    if (await this.#view.changed()) await this.#lookAtOthers();
    await this.#view.settled();
  }

  /**
   * What the watch loop runs: `checkForChanges`, and what other processes did to the shared slots
   * and asked of this one (PostgreSQL's data version moves with accounts and models only).
   */
  async poll(): Promise<void> {
    await this.#view.changed();
    await this.#lookAtOthers();
    await this.#view.settled();
  }

  /** Re-count other processes' slots and answer what they asked of this one. */
  async #lookAtOthers(): Promise<void> {
    await this.#shared.refresh(); // another process may have taken or freed slots
    if (this.#queue.size === 0)
      this.#shared.want([]); // its waiters left without a dispatch pass
    else this.#dispatch.run();
    await this.#peers.answer();
  }

  /** See `AccountSelector.requestHandoff`. */
  requestHandoff(taskRowId: number, model: string, signal: AbortSignal): Promise<Lease | null> {
    return this.#peers.requestHandoff(taskRowId, model, signal);
  }

  /** A lease on a task another process handed over (its slot lease came along). */
  async #received(accountId: number, taskRowId: number, model: string): Promise<Lease | null> {
    await this.#shared.receive(accountId, taskRowId);
    const account = this.#current().accounts.find((a) => a.id === accountId);
    const session = account === undefined ? null : this.#leases.sessionOf(accountId);
    if (account === undefined || session === null) {
      this.#shared.release(accountId, 'idle'); // the account went (its tasks with it)
      return null;
    }
    this.#liveTasks.add(taskRowId);
    this.#slots.take(accountId);
    this.#shared.mark(accountId, 'idle', 'serving');
    const modelId = this.#current().modelIds.get(accountId)?.get(model) ?? '';
    return this.#leases.create(account, session, modelId, model, [taskRowId]);
  }

  /**
   * Beat this process's heartbeat every third of `pool.processTtlMs`; `onBeat` runs after each beat
   * (the server takes over the tasks of processes whose heartbeat ran out there). Resolves once
   * the first beat and its `onBeat` ran.
   */
  async startHeartbeat(onBeat: () => Promise<void>): Promise<void> {
    // A slot freed by another process wakes this one's waiters at once (PostgreSQL: LISTEN).
    const stopSlots = await this.#deps.store.onSlotFreed(() => {
      if (this.#queue.size > 0) void this.#lookAtOthers().catch(() => {});
    });
    this.#stopListening.push(stopSlots, await this.#view.follow());
    await this.#shared.start(async () => {
      await onBeat();
      // Our own commits (a dead process expired) do not move the data version: look again here.
      await this.#shared.refresh();
      if (this.#queue.size > 0) this.#dispatch.run();
    });
  }

  /** Free every slot lease of this process and leave the registry (after shutdown stopped its tasks). */
  async leave(): Promise<void> {
    await Promise.all(this.#stopListening.splice(0).map((stop) => stop()));
    await this.#shared.leave();
  }

  #claim(task: IdleTask): Lease | null {
    const account = this.#current().accounts.find((a) => a.id === task.accountId);
    const session =
      account !== undefined && canServe(account) && !this.#closed
        ? this.#leases.sessionOf(task.accountId)
        : null;
    if (account === undefined || session === null) {
      this.#idle.evict(task); // it can no longer serve: free its slot
      return null;
    }
    this.#idle.tasks.take(task.taskRowId);
    this.#slots.take(task.accountId);
    this.#shared.mark(task.accountId, 'idle', 'serving');
    const modelId = this.#current().modelIds.get(task.accountId)?.get(task.model) ?? '';
    return this.#leases.create(account, session, modelId, task.model, [task.taskRowId]);
  }

  #park(accountId: number, request: ParkRequest): void {
    const task = this.#idle.park(accountId, request);
    this.#shared.mark(accountId, 'serving', 'idle');
    this.#slots.release(accountId); // the slot moves from serving to idle; waiters may now evict it
    this.#dispatch.run();
    this.#slotsChanged();
    if (this.#closed) this.#idle.evict(task);
  }

  /** Refuse new requests and fail the waiting ones (shutdown). */
  close(): void {
    this.#closed = true;
    this.#dispatch.cancelWake();
    // Idle tasks stay recorded as `idle`: the reaper's drain stops them with the rest.
    this.#idle.cancelTimers();
    for (const waiter of this.#queue.list())
      this.#queue.settle(
        waiter,
        new ServiceUnavailableError('relaypool is shutting down', { code: 'shutting_down' }),
      );
  }

  #free(accountId: number): void {
    this.#slots.release(accountId);
    this.#shared.release(accountId);
    this.#dispatch.run();
    this.#slotsChanged();
  }

  #slotsChanged(): void {
    if (this.#queue.size > 0 || this.#closed) return;
    for (const listener of this.#slotListeners) listener();
  }

  #current(): PoolSnapshot {
    return this.#view.current;
  }
}
