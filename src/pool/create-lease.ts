import type { Account } from '../store/index.js';
import type { ParkRequest } from './idle-tasks.js';
import type { Lease, LeaseOutcome } from './lease.js';

/** What one lease is built from. */
export interface LeaseParts {
  account: Account;
  session: string;
  modelId: string;
  /** The pool's set of task rows tied to live leases. */
  liveTasks: Set<number>;
  /** Record the outcome (account health). */
  record: (outcome: LeaseOutcome) => void;
  /** Give the slot back to the pool. */
  free: () => void;
  /** Turn the slot into an idle task's slot. */
  park: (task: ParkRequest) => void;
  /** Task rows the lease starts with (a claimed idle task). */
  tasks?: readonly number[];
}

/**
 * A lease whose `release` or `park` works once: outcome now; the slot when `drained` settles, or
 * handed to the parked task (which stays among the live tasks, so it is never stopped as a stray).
 */
export function createLease(parts: LeaseParts): Lease {
  const tasks = new Set<number>(parts.tasks);
  let released = false;
  return {
    account: parts.account,
    session: parts.session,
    modelId: parts.modelId,
    attachTask(row) {
      tasks.add(row);
      parts.liveTasks.add(row);
    },
    release(outcome, drained) {
      if (released) return;
      released = true;
      parts.record(outcome);
      const free = (): void => {
        for (const row of tasks) parts.liveTasks.delete(row);
        parts.free();
      };
      if (drained === undefined) free();
      else void drained.then(free, free);
    },
    park(outcome, task) {
      if (released) return;
      released = true;
      parts.record(outcome);
      for (const row of tasks) if (row !== task.taskRowId) parts.liveTasks.delete(row);
      parts.park(task);
    },
  };
}
