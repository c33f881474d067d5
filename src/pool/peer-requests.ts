/**
 * What the other relaypool processes on the database ask of this one, and it of them (issue #12):
 * a follow-up for a conversation whose idle task another process keeps asks for that task to be
 * handed over; waiters blocked only by other processes' idle tasks ask them to stop one.
 */
import type { AsyncStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { Clock, Timers } from '../util/timing.js';
import type { IdleSlots } from './idle-slots.js';
import type { Lease } from './lease.js';
import type { SharedSlots } from './slots.js';

/** How long a follow-up waits for another process to hand over its conversation's idle task. */
const HANDOFF_WAIT_MS = 3_000;
/** How often it looks whether the task is ours yet. */
const HANDOFF_POLL_MS = 25;

/** What answering and asking needs from the pool. */
export interface PeerRequestsDeps {
  store: AsyncStore;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  shared: SharedSlots;
  idle: IdleSlots;
  /** A lease on a task another process handed over (null when its account went meanwhile). */
  claimReceived: (accountId: number, taskRowId: number, model: string) => Promise<Lease | null>;
  /** A task handed over is the other process's now: no longer ours to protect from stray stops. */
  forgetTask: (taskRowId: number) => void;
  closed: () => boolean;
}

/** This process's side of the requests between processes; `answer` runs whenever the store changed. */
export class PeerRequests {
  readonly #deps: PeerRequestsDeps;
  /** Idle tasks of other processes this one asked for. */
  readonly #handoffs = new Set<number>();
  /** Accounts on which an idle task is being stopped for another process's waiter. */
  readonly #evictingFor = new Set<number>();

  constructor(deps: PeerRequestsDeps) {
    this.#deps = deps;
  }

  /** Answer what other processes asked for: hand tasks over first, then stop idle tasks they want gone. */
  async answer(): Promise<void> {
    if (this.#deps.idle.tasks.size === 0) return;
    await this.#handOver();
    await this.#evictForOthers();
  }

  /** See `AccountSelector.requestHandoff`. */
  async requestHandoff(taskRowId: number, model: string, signal: AbortSignal): Promise<Lease | null> {
    const { store, clock, timers, shared } = this.#deps;
    const row = await store.tasks.get(taskRowId);
    if (row === null || row.state !== 'idle' || row.upstreamTaskId === null) return null;
    if (row.ownerInstanceId === store.instanceId) return null; // ours, and not idle here: gone
    // A dead owner's tasks are taken over by the heartbeat; nobody would answer.
    if (!(await store.slots.liveProcesses()).includes(row.ownerInstanceId)) return null;
    this.#handoffs.add(taskRowId);
    await shared.requestHandoffs(this.#handoffs);
    try {
      const deadline = clock.now() + HANDOFF_WAIT_MS;
      for (;;) {
        const latest = await store.tasks.get(taskRowId);
        if (latest === null || latest.state !== 'idle' || latest.ownerInstanceId === store.instanceId) break;
        if (signal.aborted || this.#deps.closed() || clock.now() >= deadline) break;
        await new Promise<void>((resolve) => void timers.setTimeout(resolve, HANDOFF_POLL_MS));
      }
    } finally {
      this.#handoffs.delete(taskRowId);
      await shared.requestHandoffs(this.#handoffs);
    }
    // Read after the request is withdrawn: the holder hands over only while it stands, so a task
    // that is ours now stays ours, and is used (never left unknown to this process).
    const latest = await store.tasks.get(taskRowId);
    if (latest === null || latest.state !== 'idle' || latest.ownerInstanceId !== store.instanceId)
      return null;
    return this.#deps.claimReceived(latest.accountId, taskRowId, model);
  }

  /** Hand the idle tasks other processes have a follow-up for over to them (not stopped: they go on there). */
  async #handOver(): Promise<void> {
    const { idle, shared, logger } = this.#deps;
    for (const { taskId, to } of await shared.handoffsRequested()) {
      const task = idle.tasks.take(taskId);
      if (task === null) continue;
      if (await shared.handOver(task.accountId, taskId, to)) {
        this.#deps.forgetTask(taskId);
        logger.debug({ taskRow: taskId, to }, 'idle task handed over to another process');
      } else {
        idle.park(task.accountId, task); // it stays ours (the asker gave up meanwhile)
      }
    }
  }

  /** Stop one of our idle tasks on each account another process's waiters want a slot on. */
  async #evictForOthers(): Promise<void> {
    const { idle, shared } = this.#deps;
    if (idle.tasks.size === 0) return;
    for (const accountId of await shared.wantedByOthers()) {
      if (this.#evictingFor.has(accountId)) continue;
      const victim = idle.tasks.oldest((task) => task.accountId === accountId);
      if (victim !== null && idle.evict(victim, () => this.#evictingFor.delete(accountId)))
        this.#evictingFor.add(accountId);
    }
  }
}
