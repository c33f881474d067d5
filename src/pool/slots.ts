/**
 * The slots: this process's ledger in memory (busy slots per account, lease order for the
 * strategies), the same slots as lease rows that every process on the database shares, and the
 * watch that notices what other processes (and the CLI) changed.
 */
import type { Async, SlotKind, SlotLeasesRepo } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { CancelTimer, Timers } from '../util/timing.js';

/**
 * The pool's slots in memory: how many each account has busy (serving a request, or a task being
 * stopped), and which account was leased last and in what order (for the selection strategies).
 */
export class SlotLedger {
  readonly #busy = new Map<number, number>();
  readonly #lastLeased = new Map<number, number>();
  #seq = 0;
  #previous: number | null = null;

  /** Busy slots per account id. */
  get busy(): ReadonlyMap<number, number> {
    return this.#busy;
  }

  /** The account of the latest lease, if any. */
  get previous(): number | null {
    return this.#previous;
  }

  /** Order of the account's latest lease (0: never leased). */
  lastLeased(accountId: number): number {
    return this.#lastLeased.get(accountId) ?? 0;
  }

  /** Count one more busy slot. */
  take(accountId: number): void {
    this.#busy.set(accountId, (this.#busy.get(accountId) ?? 0) + 1);
  }

  /** Take a slot for a new lease, remembered for the strategies. */
  lease(accountId: number): void {
    this.take(accountId);
    this.#lastLeased.set(accountId, ++this.#seq);
    this.#previous = accountId;
  }

  /** Give one slot back. */
  release(accountId: number): void {
    const left = (this.#busy.get(accountId) ?? 1) - 1;
    if (left > 0) this.#busy.set(accountId, left);
    else this.#busy.delete(accountId);
  }
}

/** No limit: a slot that is occupied upstream already (an adopted or orphaned task) is recorded as it is. */
const UNLIMITED = 2 ** 31 - 1;

/** What the shared slots need. */
export interface SharedSlotsDeps {
  repo: Async<SlotLeasesRepo>;
  timers: Timers;
  logger: Logger;
  /** A process is presumed dead this long after its last heartbeat (it beats three times as often). */
  ttlMs: number;
}

/**
 * This process's side of the slot leases every process on the database shares (issue #12): a lease
 * row per occupied slot, taken atomically against the account's limit, and the count of slots other
 * processes hold, which the pool adds to its own when it classifies accounts. Slots of one account
 * are interchangeable, so the pool names them by account and kind, and this class keeps the ids.
 *
 * The database calls are asynchronous (PostgreSQL is a round trip away). Only `take` is awaited by
 * the pool — it decides; the other changes of one account run in the order they were asked for, one
 * after the other (a release must find the id its take or mark recorded), without holding the caller.
 */
export class SharedSlots {
  readonly #deps: SharedSlotsDeps;
  /** Account id → lease ids of this process, by kind. */
  readonly #own = new Map<number, Record<SlotKind, number[]>>();
  /** Account id → the last change of its slots asked for (the next one runs after it). */
  readonly #chains = new Map<number, Promise<unknown>>();
  #others = new Map<number, number>();
  #othersIdle = new Map<number, number>();
  /** What `want` last wrote (written again only when it changes). */
  #wants = '';
  /** What `requestHandoffs` last wrote. */
  #handoffs = '';
  #registered: Promise<boolean> | null = null;
  #cancelBeat: CancelTimer | null = null;

  constructor(deps: SharedSlotsDeps) {
    this.#deps = deps;
  }

  /** Slots other processes hold on each account (as of the last `refresh`, or learned from a refusal). */
  get others(): ReadonlyMap<number, number> {
    return this.#others;
  }

  /** Of `others`, the slots held by other processes' idle tasks. */
  get othersIdle(): ReadonlyMap<number, number> {
    return this.#othersIdle;
  }

  /**
   * Say which accounts this process's waiters need a slot on that only other processes' idle tasks
   * hold (they stop one; see `AccountPool.checkForChanges`). A database write only on a change.
   */
  want(accountIds: Iterable<number>): void {
    const list = [...accountIds].sort((a, b) => a - b);
    const wants = list.join(',');
    if (wants === this.#wants) return;
    this.#wants = wants;
    void this.#background(async () => {
      await this.#ensureRegistered();
      await this.#deps.repo.want(list);
    }, 'could not say which accounts this process waits for');
  }

  /** Accounts other processes' waiters want a slot on. */
  wantedByOthers(): Promise<number[]> {
    return this.#deps.repo.wantedByOthers();
  }

  /** Ask for these idle tasks of other processes (task row ids); a database write only on a change. */
  requestHandoffs(taskIds: Iterable<number>): Promise<void> {
    const list = [...taskIds].sort((a, b) => a - b);
    if (list.join(',') === this.#handoffs) return Promise.resolve();
    this.#handoffs = list.join(',');
    return this.#ensureRegistered().then(() => this.#deps.repo.requestHandoffs(list));
  }

  /** Idle tasks other processes asked this one for. */
  handoffsRequested(): Promise<Array<{ taskId: number; to: string }>> {
    return this.#deps.repo.handoffsRequested();
  }

  /** Hand the idle task `taskId` on `accountId` to process `to`, with one of our idle leases there. */
  handOver(accountId: number, taskId: number, to: string): Promise<boolean> {
    return this.#serial(accountId, async () => {
      const id = this.#pop(accountId, 'idle');
      if (id === null) return false;
      if (await this.#deps.repo.handOver(taskId, id, to)) return true;
      this.#ids(accountId).idle.push(id);
      return false;
    });
  }

  /** Count the slot of a task another process handed to this one as ours (kind `idle`). */
  receive(accountId: number, taskId: number): Promise<void> {
    return this.#serial(accountId, async () => {
      const id = await this.#deps.repo.leaseOfTask(taskId);
      if (id === null) await this.#record(accountId, UNLIMITED, 'idle');
      else this.#ids(accountId).idle.push(id);
    });
  }

  /** Take a slot of `accountId` if the account has fewer than `limit` leases over all processes. */
  take(accountId: number, limit: number, kind: SlotKind = 'serving'): Promise<boolean> {
    return this.#serial(accountId, async () => {
      if (await this.#record(accountId, limit, kind)) return true;
      this.#others.set(accountId, Math.max(this.#others.get(accountId) ?? 0, limit - this.#count(accountId)));
      return false;
    });
  }

  /**
   * Record a slot that is occupied whatever the limit says (a task already running upstream);
   * resolves once recorded.
   */
  occupy(accountId: number, kind: SlotKind): Promise<void> {
    return this.#background(
      () => this.#serial(accountId, () => this.#record(accountId, UNLIMITED, kind)),
      'could not record a slot',
    );
  }

  /** Give one slot of `accountId` back (one of `kind`, else any). */
  release(accountId: number, kind: SlotKind = 'serving'): void {
    void this.#background(
      () =>
        this.#serial(accountId, async () => {
          const id = this.#pop(accountId, kind);
          if (id !== null) await this.#deps.repo.release(id);
        }),
      'could not free a slot',
    );
  }

  /** One of this process's slots on `accountId` now holds for `to` (serving ↔ idle). */
  mark(accountId: number, from: SlotKind, to: SlotKind): void {
    void this.#background(
      () =>
        this.#serial(accountId, async () => {
          const id = this.#pop(accountId, from);
          const lease = id === null ? null : await this.#deps.repo.mark(id, to);
          if (lease !== null) this.#ids(accountId)[to].push(lease.id);
          else await this.#record(accountId, UNLIMITED, to); // its row went with an expiry: record the slot again
        }),
      'could not record a slot',
    );
  }

  /** Resolves once every change asked for so far is written. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.#chains.values()];
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Re-read how many slots the other processes hold. */
  async refresh(): Promise<void> {
    const counted = await this.#deps.repo.countByAccount();
    const others = new Map<number, number>();
    const othersIdle = new Map<number, number>();
    for (const [accountId, counts] of counted) {
      const own = this.#own.get(accountId);
      const theirs = counts.serving + counts.idle - this.#count(accountId);
      const theirIdle = counts.idle - (own?.idle.length ?? 0);
      if (theirs > 0) others.set(accountId, theirs);
      if (theirIdle > 0) othersIdle.set(accountId, Math.min(theirIdle, theirs));
    }
    this.#others = others;
    this.#othersIdle = othersIdle;
  }

  /**
   * Renew this process's heartbeat. False when it had run out (a pause longer than the TTL): its
   * leases may be gone, so they are taken again as they are held here.
   */
  beat(): Promise<boolean> {
    const beating = this.#beat();
    this.#registered = beating.catch(() => false);
    return beating;
  }

  async #beat(): Promise<boolean> {
    const { repo, ttlMs, logger } = this.#deps;
    if (await repo.heartbeat(ttlMs)) return true;
    const held = [...this.#own].flatMap(([accountId, ids]) =>
      (['serving', 'idle'] as const).flatMap((kind) => ids[kind].map(() => ({ accountId, kind }))),
    );
    if (held.length === 0) return false;
    logger.warn(
      { slots: held.length },
      'this process was presumed dead (no heartbeat); recording its slots again',
    );
    await repo.leave();
    await repo.heartbeat(ttlMs);
    this.#own.clear();
    for (const { accountId, kind } of held) {
      const lease = await repo.take(accountId, UNLIMITED, kind);
      if (lease !== null) this.#ids(accountId)[kind].push(lease.id);
    }
    return false;
  }

  /**
   * Beat every third of the TTL; `onBeat` runs after each beat (take over dead processes' tasks).
   * Resolves once the first beat and its `onBeat` ran.
   */
  start(onBeat: () => Promise<void>): Promise<void> {
    const { timers, logger, ttlMs } = this.#deps;
    const tick = async (): Promise<void> => {
      try {
        await this.beat();
        await onBeat();
      } catch (err) {
        logger.warn({ err }, 'heartbeat failed');
      }
      if (this.#registered !== null)
        this.#cancelBeat = timers.setTimeout(() => void tick(), Math.floor(ttlMs / 3));
    };
    return tick();
  }

  /** Stop beating and free every slot of this process (clean shutdown: nothing of ours runs now). */
  async leave(): Promise<void> {
    this.#cancelBeat?.();
    this.#cancelBeat = null;
    await this.settled();
    this.#own.clear();
    this.#wants = '';
    this.#handoffs = '';
    const registered = this.#registered;
    this.#registered = null;
    if (registered !== null) await this.#deps.repo.leave();
  }

  /** Take a lease row (after a beat when this process was presumed dead); false when refused. */
  async #record(accountId: number, limit: number, kind: SlotKind): Promise<boolean> {
    await this.#ensureRegistered();
    let lease = await this.#deps.repo.take(accountId, limit, kind);
    // Refused: the account is full, or this process was presumed dead (a long pause) — then beat and
    // take back what it holds before trying once more.
    if (lease === null && !(await this.beat())) lease = await this.#deps.repo.take(accountId, limit, kind);
    if (lease === null) return false;
    this.#ids(accountId)[kind].push(lease.id);
    return true;
  }

  /** Run `step` after every earlier change of `accountId`'s slots. */
  #serial<T>(accountId: number, step: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(accountId) ?? Promise.resolve();
    const run = previous.then(step, step);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#chains.set(accountId, tail);
    void tail.then(() => {
      if (this.#chains.get(accountId) === tail) this.#chains.delete(accountId);
    });
    return run;
  }

  /** Run `work` without a caller waiting for its outcome: a failure is logged, not thrown. */
  async #background(work: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.#deps.logger.warn({ err }, what);
    }
  }

  #ensureRegistered(): Promise<boolean> {
    return (this.#registered ??= this.beat());
  }

  #ids(accountId: number): Record<SlotKind, number[]> {
    let ids = this.#own.get(accountId);
    if (ids === undefined) {
      ids = { serving: [], idle: [] };
      this.#own.set(accountId, ids);
    }
    return ids;
  }

  #count(accountId: number): number {
    const ids = this.#own.get(accountId);
    return ids === undefined ? 0 : ids.serving.length + ids.idle.length;
  }

  #pop(accountId: number, kind: SlotKind): number | null {
    const ids = this.#own.get(accountId);
    if (ids === undefined) return null;
    const id = ids[kind].pop() ?? ids[kind === 'serving' ? 'idle' : 'serving'].pop() ?? null;
    if (ids.serving.length === 0 && ids.idle.length === 0) this.#own.delete(accountId);
    return id;
  }
}

/**
 * Poll `check` every `intervalMs()` (e.g. `AccountPool.checkForChanges`, which compares
 * `store.dataVersion()`), so accounts added, disabled or removed by the CLI or another process
 * take effect — and waiting requests are served — without a restart. Returns `stop`.
 */
export function watchStore(
  check: () => Promise<void>,
  timers: Timers,
  intervalMs: () => number,
  logger: Logger,
): () => void {
  let cancel: CancelTimer | null = null;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      await check();
    } catch (err) {
      logger.warn({ err }, 'could not look for account changes');
    }
    if (!stopped) cancel = timers.setTimeout(() => void tick(), intervalMs());
  };
  cancel = timers.setTimeout(() => void tick(), intervalMs());
  return () => {
    stopped = true;
    cancel?.();
  };
}
