/** Upstream tasks the proxy started, as recorded in the `tasks` table. */
import { z } from 'zod';
import { sqlInt, sqlIntOrNull, sqlTextOrNull } from './sql-types.js';

/** Why the task exists: one request, or a conversation that may continue. */
export type TaskPurpose = 'stateless' | 'conversation';

/**
 * Lifecycle: `creating` (recorded before the upstream create call) → `running` (serving a turn)
 * ⇄ `idle` (kept for a conversation) → `stopped`; `failed` when it never started or could not be
 * stopped. `stopping` marks idle tasks being stopped and tasks taken over from a dead
 * process; a serving task stays `running` until stopped. `stopped` and `failed` are final.
 */
export type TaskState = 'creating' | 'running' | 'idle' | 'stopping' | 'stopped' | 'failed';

/** Every purpose, for parsers. */
export const TASK_PURPOSES = ['stateless', 'conversation'] as const satisfies readonly TaskPurpose[];

/** Every state, for parsers. */
export const TASK_STATES = [
  'creating',
  'running',
  'idle',
  'stopping',
  'stopped',
  'failed',
] as const satisfies readonly TaskState[];

/** States that may still hold an upstream task. */
export const UNFINISHED_TASK_STATES = ['creating', 'running', 'idle', 'stopping'] as const;

/** States in which a task occupies a slot serving a request (an idle task does not). */
export const BUSY_TASK_STATES = ['creating', 'running'] as const;

/** One recorded task. */
export interface TaskRecord {
  id: number;
  accountId: number;
  /** Null until the upstream create call returned an id. */
  upstreamTaskId: string | null;
  /** `Store.instanceId` of the process that owns (and must stop) the task. */
  ownerInstanceId: string;
  purpose: TaskPurpose;
  state: TaskState;
  createdAt: number;
  updatedAt: number;
  stoppedAt: number | null;
  lastError: string | null;
}

/** Parses one `SELECT * FROM tasks` row. */
export const taskRow = z
  .object({
    id: sqlInt,
    account_id: sqlInt,
    upstream_task_id: sqlTextOrNull,
    owner_instance_id: z.string(),
    purpose: z.enum(TASK_PURPOSES),
    state: z.enum(TASK_STATES),
    created_at: sqlInt,
    updated_at: sqlInt,
    stopped_at: sqlIntOrNull,
    last_error: sqlTextOrNull,
  })
  .transform((row): TaskRecord => ({
    id: row.id,
    accountId: row.account_id,
    upstreamTaskId: row.upstream_task_id,
    ownerInstanceId: row.owner_instance_id,
    purpose: row.purpose,
    state: row.state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    stoppedAt: row.stopped_at,
    lastError: row.last_error,
  }));
