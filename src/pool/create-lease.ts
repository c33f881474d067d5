import type { Account } from '../store/index.js';
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
}

/** A lease whose `release` works once: outcome now, slot when `drained` settles. */
export function createLease(parts: LeaseParts): Lease {
  const tasks = new Set<number>();
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
  };
}
