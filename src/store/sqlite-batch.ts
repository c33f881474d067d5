/**
 * Group commit for the SQLite store. Each commit costs ~30–50 µs here (the WAL append), several
 * times a statement's own cost, and a request makes seven. Writes that only need to be done soon —
 * a task's later states, the usage row — wait for the end of the event-loop turn and commit
 * together with the other requests' (`defer`). Any other call first runs what waits, in the same
 * transaction, so the calls still run in the order they were made. A restart finds a task whose
 * upstream id was still waiting like one whose create answer never came (`TaskReaper`).
 */
import type { Database } from 'better-sqlite3';

/** One step's outcome inside a batch. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Deferred {
  step: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs SQLite steps together: one IMMEDIATE transaction, a savepoint per step. */
export class SqliteBatch {
  #pending: Deferred[] = [];
  #scheduled = false;
  readonly #together: (steps: ReadonlyArray<() => unknown>) => Outcome[];

  constructor(db: Database) {
    // A step that throws is undone alone (its savepoint); the others still commit. When the
    // transaction itself fails (the commit, or an error that ended it), every step failed.
    const alone = db.transaction((step: () => unknown): unknown => step());
    const together = db.transaction((steps: ReadonlyArray<() => unknown>): Outcome[] =>
      steps.map((step): Outcome => {
        try {
          return { ok: true, value: alone(step) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    this.#together = (steps) => together.immediate(steps);
  }

  /** Run `step` with the next batch; resolves once it is committed. */
  defer(step: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ step, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#runWith(null);
      });
    });
  }

  /** Run `step` now: alone when nothing waits, else last in one transaction with what waits. */
  now<T>(step: () => T): T {
    if (this.#pending.length === 0) return step();
    const outcome = this.#runWith(step);
    if (outcome === null || !outcome.ok) throw outcome?.error;
    return outcome.value as T;
  }

  /** Run what waits (and `last`); settle the waiting steps; `last`'s outcome. */
  #runWith(last: (() => unknown) | null): Outcome | null {
    const batch = this.#pending;
    if (batch.length === 0 && last === null) return null;
    this.#pending = [];
    const steps = batch.map((d) => d.step);
    if (last !== null) steps.push(last);
    let outcomes: Outcome[];
    try {
      // One step alone commits by itself: no transaction and savepoint around it.
      outcomes = steps.length === 1 ? [runAlone(steps[0])] : this.#together(steps);
    } catch (error) {
      outcomes = steps.map(() => ({ ok: false, error }));
    }
    batch.forEach((d, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) d.resolve(outcome.value);
      else d.reject(outcome?.error);
    });
    return last === null ? null : (outcomes[steps.length - 1] ?? null);
  }
}

function runAlone(step: (() => unknown) | undefined): Outcome {
  try {
    return { ok: true, value: step?.() };
  } catch (error) {
    return { ok: false, error };
  }
}
