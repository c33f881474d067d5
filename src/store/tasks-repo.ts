/**
 * The tasks repository. A task is recorded BEFORE the upstream create call, so a crash at any
 * point leaves a row; a later process finds rows owned by another instance id and stops them
 * (docs/architecture.md §3 step 5). A task is an orphan when its owner is no live process (no
 * unexpired heartbeat in `processes`): several serving processes may share the database, and
 * none takes over another's tasks while that one is alive. The CLI starts no tasks.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { shortError } from './short-error.js';
import { parseRowOrNull, parseRows, sqlInt } from './sql-types.js';
import {
  BUSY_TASK_STATES,
  UNFINISHED_TASK_STATES,
  taskRow,
  type TaskPurpose,
  type TaskRecord,
  type TaskState,
} from './task-types.js';

/** Which unfinished tasks `listNeedingStop` returns (by owner). */
export type TaskFilter = 'orphaned' | 'own' | 'all';

/** Task bookkeeping for the conversation layer, the pool and start-up/shutdown. */
export interface TasksRepo {
  /** Record a task about to be created: state `creating`, owned by this instance. */
  begin(task: { accountId: number; purpose: TaskPurpose }): TaskRecord;
  /** The upstream create returned `upstreamTaskId`; a `creating` task becomes `running`. */
  setUpstreamId(id: number, upstreamTaskId: string): TaskRecord | null;
  /** Move to `state` (a final state also sets `stoppedAt`). Final states never change again. */
  setState(id: number, state: TaskState, lastError?: string | null): TaskRecord | null;
  /** Shorthand for `setState(id, 'stopped', lastError)`. */
  markStopped(id: number, lastError?: string | null): TaskRecord | null;
  /** One task, or null. */
  get(id: number): TaskRecord | null;
  /** The task with this upstream id, or null. */
  findByUpstreamId(upstreamTaskId: string): TaskRecord | null;
  /**
   * Unfinished tasks: `orphaned` (default) = owned by an instance that is not alive (a dead process),
   * `own` = this instance's (on shutdown), `all` = both. Oldest first.
   */
  listNeedingStop(filter?: TaskFilter): TaskRecord[];
  /** Atomically take over every orphaned task (owner := this instance, state `stopping`); never a live process's. */
  claimOrphans(): TaskRecord[];
  /**
   * Atomically take over the orphaned tasks kept idle for a conversation that still points at
   * them (owner := this instance, state stays `idle`), with the conversation's model. Run before
   * `claimOrphans`, which would stop them.
   */
  adoptKept(): Array<{ task: TaskRecord; model: string }>;
  /** Account id → tasks serving a request right now (`creating`/`running`, any instance). */
  countBusyByAccount(): Map<number, number>;
  /** Account id → tasks kept idle for a conversation (any instance). */
  countIdleByAccount(): Map<number, number>;
  /** Delete finished tasks last updated before `before` (ms); returns how many. */
  pruneFinished(before: number): number;
}

const UNFINISHED = `(${UNFINISHED_TASK_STATES.map((s) => `'${s}'`).join(', ')})`;
const BUSY = `(${BUSY_TASK_STATES.map((s) => `'${s}'`).join(', ')})`;
const FINAL = "('stopped', 'failed')";
const busyRow = z.object({ account_id: sqlInt, busy: sqlInt });
/** The owner is another instance with no unexpired heartbeat (parameters: own id, now). */
const ORPHANED =
  'owner_instance_id <> @self AND owner_instance_id NOT IN (SELECT id FROM processes WHERE expires_at > @now)';

/** Build the tasks repository for the process identified by `instanceId`. */
export function createTasksRepo(db: Database, instanceId: string, now: () => number): TasksRepo {
  const insert = db.prepare(`
    INSERT INTO tasks (account_id, owner_instance_id, purpose, state, created_at, updated_at)
    VALUES (?, ?, ?, 'creating', ?, ?) RETURNING *`);
  const byId = db.prepare('SELECT * FROM tasks WHERE id = ?');
  const byUpstreamId = db.prepare('SELECT * FROM tasks WHERE upstream_task_id = ?');
  const setUpstream = db.prepare(`
    UPDATE tasks SET upstream_task_id = ?, updated_at = ?,
      state = CASE WHEN state = 'creating' THEN 'running' ELSE state END
    WHERE id = ? AND state NOT IN ${FINAL} RETURNING *`);
  const setState = db.prepare(`
    UPDATE tasks SET state = @state, updated_at = @now,
      last_error = CASE WHEN @setError THEN @lastError ELSE last_error END,
      stopped_at = CASE WHEN @state IN ${FINAL} THEN @now ELSE stopped_at END
    WHERE id = @id AND state NOT IN ${FINAL} RETURNING *`);
  const unfinishedWhere = (owner: string) =>
    db.prepare(`SELECT * FROM tasks WHERE state IN ${UNFINISHED} ${owner} ORDER BY id`);
  const unfinished = {
    orphaned: unfinishedWhere(`AND ${ORPHANED}`),
    own: unfinishedWhere('AND owner_instance_id = @self'),
  };
  const allUnfinished = unfinishedWhere('');
  const claim = db.prepare(`
    UPDATE tasks SET owner_instance_id = @self, state = 'stopping', updated_at = @now
    WHERE state IN ${UNFINISHED} AND ${ORPHANED}`);
  const keptOrphans = db.prepare(`
    SELECT t.*, c.model AS conversation_model FROM tasks t
    JOIN conversations c ON c.task_id = t.id
    WHERE t.state = 'idle' AND t.upstream_task_id IS NOT NULL AND ${ORPHANED.replaceAll('owner_instance_id', 't.owner_instance_id')}
    GROUP BY t.id ORDER BY t.id`);
  const adopt = db.prepare('UPDATE tasks SET owner_instance_id = ?, updated_at = ? WHERE id = ?');
  const busy = db.prepare(`
    SELECT account_id, COUNT(*) AS busy FROM tasks WHERE state IN ${BUSY} GROUP BY account_id`);
  const idle = db.prepare(
    `SELECT account_id, COUNT(*) AS busy FROM tasks WHERE state = 'idle' GROUP BY account_id`,
  );
  const prune = db.prepare(`DELETE FROM tasks WHERE state IN ${FINAL} AND updated_at < ?`);

  const get = (id: number): TaskRecord | null => parseRowOrNull(taskRow, byId.get(id));
  // Writes return the row they wrote (RETURNING: no second query); a row left alone (already in a
  // final state) is read as it is.
  const written = (id: number, row: unknown): TaskRecord | null =>
    row === undefined ? get(id) : taskRow.parse(row);
  const list = (filter: TaskFilter): TaskRecord[] =>
    parseRows(
      taskRow,
      filter === 'all' ? allUnfinished.all() : unfinished[filter].all({ self: instanceId, now: now() }),
    );
  const changeState = (id: number, state: TaskState, lastError?: string | null): TaskRecord | null => {
    const error = lastError === undefined ? null : shortError(lastError);
    return written(
      id,
      setState.get({ id, state, now: now(), setError: lastError === undefined ? 0 : 1, lastError: error }),
    );
  };
  const claimTx = db.transaction((): TaskRecord[] => {
    const orphans = list('orphaned');
    claim.run({ self: instanceId, now: now() });
    return orphans.map((task) => get(task.id) ?? task);
  });

  const adoptTx = db.transaction(() =>
    keptOrphans.all({ self: instanceId, now: now() }).map((row) => {
      const { conversation_model: model } = z.object({ conversation_model: z.string() }).parse(row);
      const task = taskRow.parse(row);
      adopt.run(instanceId, now(), task.id);
      return { task: get(task.id) ?? task, model };
    }),
  );

  return {
    begin({ accountId, purpose }) {
      const at = now();
      return taskRow.parse(insert.get(accountId, instanceId, purpose, at, at));
    },
    setUpstreamId(id, upstreamTaskId) {
      return written(id, setUpstream.get(upstreamTaskId, now(), id));
    },
    setState: changeState,
    markStopped: (id, lastError) => changeState(id, 'stopped', lastError),
    get,
    findByUpstreamId: (upstreamTaskId) => parseRowOrNull(taskRow, byUpstreamId.get(upstreamTaskId)),
    listNeedingStop: (filter = 'orphaned') => list(filter),
    claimOrphans: () => claimTx.immediate(),
    adoptKept: () => adoptTx.immediate(),
    countBusyByAccount: () =>
      new Map(parseRows(busyRow, busy.all()).map((row) => [row.account_id, row.busy] as const)),
    countIdleByAccount: () =>
      new Map(parseRows(busyRow, idle.all()).map((row) => [row.account_id, row.busy] as const)),
    pruneFinished: (before) => prune.run(before).changes,
  };
}
