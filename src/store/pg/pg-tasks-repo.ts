/** The tasks repository on PostgreSQL; the contract is `../tasks-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import { shortError } from '../short-error.js';
import { parseRowOrNull, parseRows, sqlInt } from '../sql-types.js';
import {
  BUSY_TASK_STATES,
  UNFINISHED_TASK_STATES,
  taskRow,
  type TaskRecord,
  type TaskState,
} from '../task-types.js';
import type { TasksRepo } from '../tasks-repo.js';
import { sql, type PgDb } from './pg-db.js';

const UNFINISHED = `(${UNFINISHED_TASK_STATES.map((s) => `'${s}'`).join(', ')})`;
const BUSY = `(${BUSY_TASK_STATES.map((s) => `'${s}'`).join(', ')})`;
const FINAL = "('stopped', 'failed')";

const insert = sql(`
  INSERT INTO tasks (account_id, owner_instance_id, purpose, state, created_at, updated_at)
  VALUES ($1, $2, $3, 'creating', $4, $4) RETURNING *`);
const byId = sql('SELECT * FROM tasks WHERE id = $1');
const byUpstreamId = sql('SELECT * FROM tasks WHERE upstream_task_id = $1');
const setUpstream = sql(`
  UPDATE tasks SET upstream_task_id = $1, updated_at = $2,
    state = CASE WHEN state = 'creating' THEN 'running' ELSE state END
  WHERE id = $3 AND state NOT IN ${FINAL} RETURNING *`);
const setState = sql(`
  UPDATE tasks SET state = $2::text, updated_at = $3,
    last_error = CASE WHEN $4 THEN $5 ELSE last_error END,
    stopped_at = CASE WHEN $2::text IN ${FINAL} THEN $3 ELSE stopped_at END
  WHERE id = $1 AND state NOT IN ${FINAL} RETURNING *`);
/** The owner is another instance with no unexpired heartbeat ($1 own id, $2 now). */
const orphaned = (owner: string) =>
  `${owner} <> $1 AND ${owner} NOT IN (SELECT id FROM processes WHERE expires_at > $2)`;
const unfinished = {
  orphaned: sql(
    `SELECT * FROM tasks WHERE state IN ${UNFINISHED} AND ${orphaned('owner_instance_id')} ORDER BY id`,
  ),
  own: sql(`SELECT * FROM tasks WHERE state IN ${UNFINISHED} AND owner_instance_id = $1 ORDER BY id`),
  all: sql(`SELECT * FROM tasks WHERE state IN ${UNFINISHED} ORDER BY id`),
};
const claim = sql(`
  UPDATE tasks SET owner_instance_id = $1, state = 'stopping', updated_at = $2
  WHERE state IN ${UNFINISHED} AND ${orphaned('owner_instance_id')} RETURNING *`);
// One statement: the conversation's model comes along (any one, when several share the task).
const adopt = sql(`
  UPDATE tasks t SET owner_instance_id = $1, updated_at = $2
  FROM (SELECT task_id, MIN(model) AS conversation_model FROM conversations
        WHERE task_id IS NOT NULL GROUP BY task_id) c
  WHERE c.task_id = t.id AND t.state = 'idle' AND t.upstream_task_id IS NOT NULL
    AND ${orphaned('t.owner_instance_id')}
  RETURNING t.*, c.conversation_model`);
const countByAccount = (states: string) =>
  sql(`SELECT account_id, COUNT(*) AS busy FROM tasks WHERE state IN ${states} GROUP BY account_id`);
const busy = countByAccount(BUSY);
const idle = countByAccount("('idle')");
const prune = sql(`DELETE FROM tasks WHERE state IN ${FINAL} AND updated_at < $1`);
const busyRow = z.object({ account_id: sqlInt, busy: sqlInt });
const adoptedRow = z.object({ conversation_model: z.string() });

const byTaskId = (a: TaskRecord, b: TaskRecord) => a.id - b.id;

/** Build the tasks repository on PostgreSQL for the process identified by `instanceId`. */
export function createPgTasksRepo(db: PgDb, instanceId: string, now: () => number): Async<TasksRepo> {
  const get = async (id: number) => parseRowOrNull(taskRow, await db.get(byId, [id]));
  // A row left alone (already in a final state) is read as it is.
  const written = async (id: number, row: unknown) => (row === undefined ? get(id) : taskRow.parse(row));
  const changeState = async (id: number, state: TaskState, lastError?: string | null) => {
    const error = lastError === undefined ? null : shortError(lastError);
    return written(id, await db.get(setState, [id, state, now(), lastError !== undefined, error]));
  };
  const counts = async (statement: typeof busy) =>
    new Map(parseRows(busyRow, await db.all(statement)).map((row) => [row.account_id, row.busy] as const));

  return {
    begin: async ({ accountId, purpose }) =>
      taskRow.parse(await db.get(insert, [accountId, instanceId, purpose, now()])),
    setUpstreamId: async (id, upstreamTaskId) =>
      written(id, await db.get(setUpstream, [upstreamTaskId, now(), id])),
    setState: changeState,
    markStopped: (id, lastError) => changeState(id, 'stopped', lastError),
    get,
    findByUpstreamId: async (upstreamTaskId) =>
      parseRowOrNull(taskRow, await db.get(byUpstreamId, [upstreamTaskId])),
    listNeedingStop: async (filter = 'orphaned') =>
      parseRows(
        taskRow,
        await (filter === 'all'
          ? db.all(unfinished.all)
          : filter === 'own'
            ? db.all(unfinished.own, [instanceId])
            : db.all(unfinished.orphaned, [instanceId, now()])),
      ),
    claimOrphans: async () => parseRows(taskRow, await db.all(claim, [instanceId, now()])).sort(byTaskId),
    adoptKept: async () =>
      (await db.all(adopt, [instanceId, now()]))
        .map((row) => ({ task: taskRow.parse(row), model: adoptedRow.parse(row).conversation_model }))
        .sort((a, b) => byTaskId(a.task, b.task)),
    countBusyByAccount: () => counts(busy),
    countIdleByAccount: () => counts(idle),
    pruneFinished: (before) => db.run(prune, [before]),
  };
}
