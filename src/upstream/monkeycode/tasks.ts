import { z } from 'zod';
import type { CallOptions, TokenUsage } from '../types.js';
import type { MonkeyCodeHttp } from './http-client.js';
import { PUBLIC_HOST_ID } from './images.js';
import type { TaskResource } from './options.js';
import type { SessionJar } from './session-jar.js';

// docs/monkeycode-protocol.md §4.2: `stats` is cumulative per task and absent while zero.
const statsSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  llm_requests: z.number().nullish(),
});

const conditionSchema = z.object({ type: z.string().nullish(), status: z.number().nullish() });

/** docs/monkeycode-protocol.md §4.2 `Task` (and docs/monkeycode-protocol.md §4.1 `ProjectTask`): only the fields the proxy reads. */
export const taskSchema = z.object({
  id: z.string().min(1),
  status: z.string().nullish(),
  virtualmachine: z
    .object({ status: z.string().nullish(), conditions: z.array(conditionSchema).nullish() })
    .nullish(),
  stats: statsSchema.nullish(),
  created_at: z.number().nullish(),
});

/** Cumulative token counts of a task. */
export interface TaskStats {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** A task as the proxy sees it. */
export interface MonkeyCodeTask {
  id: string;
  /** `pending | processing | finished | error` (other values pass through). */
  status: string;
  /** `unknown | pending | online | offline | hibernated`, or null without a VM. */
  vmStatus: string | null;
  /** True when the VM's last condition is `Failed` (docs/monkeycode-protocol.md §4.2). */
  vmFailed: boolean;
  stats: TaskStats | null;
  /** Creation time (ms), when the platform said (docs/monkeycode-protocol.md §4.1 `created_at`, Unix seconds). */
  createdAt: number | null;
}

/** Map a parsed wire task to `MonkeyCodeTask`. */
export function toTask(raw: z.infer<typeof taskSchema>): MonkeyCodeTask {
  const conditions = raw.virtualmachine?.conditions ?? [];
  const last = conditions[conditions.length - 1];
  return {
    id: raw.id,
    status: raw.status ?? 'unknown',
    vmStatus: raw.virtualmachine?.status ?? null,
    vmFailed: last?.type === 'Failed',
    stats: toStats(raw.stats),
    createdAt: typeof raw.created_at === 'number' && raw.created_at > 0 ? raw.created_at * 1000 : null,
  };
}

function toStats(raw: z.infer<typeof statsSchema> | null | undefined): TaskStats | null {
  if (!raw) return null;
  const inputTokens = raw.input_tokens ?? 0;
  const outputTokens = raw.output_tokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: raw.total_tokens ?? inputTokens + outputTokens };
}

/** What a new task needs; everything else has the official clients' defaults (docs/monkeycode-protocol.md §4.1). */
export interface CreateTaskInput {
  content: string;
  modelId: string;
  imageId: string;
  resource: TaskResource;
  hostId?: string;
  systemPrompt?: string;
}

/** `POST /api/v1/users/tasks` (docs/monkeycode-protocol.md §4.1) → the new task id. */
export async function createTask(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  input: CreateTaskInput,
  options?: CallOptions,
): Promise<string> {
  const body = {
    content: input.content,
    host_id: input.hostId ?? PUBLIC_HOST_ID,
    image_id: input.imageId,
    model_id: input.modelId,
    // docs/monkeycode-protocol.md §9.2 item 6: `opencode` works with every interface_type; an empty cli_name is code 500.
    cli_name: 'opencode',
    task_type: 'develop',
    repo: {},
    resource: input.resource,
    extra: { skill_ids: [] },
    ...(input.systemPrompt ? { system_prompt: input.systemPrompt } : {}),
  };
  const task = await http.api(jar, {
    method: 'POST',
    path: '/api/v1/users/tasks',
    body,
    schema: taskSchema,
    context: 'create task',
    options,
  });
  return task.id;
}

/** `GET /api/v1/users/tasks/{id}` (docs/monkeycode-protocol.md §4.2). Someone else's or unknown id → code 500 (`unknown`). */
export async function getTask(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  taskId: string,
  options?: CallOptions,
): Promise<MonkeyCodeTask> {
  const path = `/api/v1/users/tasks/${encodeURIComponent(taskId)}`;
  const task = await http.api(jar, { method: 'GET', path, schema: taskSchema, context: 'get task', options });
  return toTask(task);
}

// Built once: constructing a zod schema costs far more than using one, and stop runs per request.
const anyData = z.unknown();

/** `PUT /api/v1/users/tasks/stop` body `{"id"}` (docs/monkeycode-protocol.md §4.4): finishes the task, frees its slot. */
export async function stopTask(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  taskId: string,
  options?: CallOptions,
): Promise<void> {
  const body = { id: taskId };
  const path = '/api/v1/users/tasks/stop';
  await http.api(jar, { method: 'PUT', path, body, schema: anyData, context: 'stop task', options });
}

/** `DELETE /api/v1/users/tasks/{id}` (docs/monkeycode-protocol.md §4.5): unknown id → 10002 (`not-found`). */
export async function deleteTask(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  taskId: string,
  options?: CallOptions,
): Promise<void> {
  const path = `/api/v1/users/tasks/${encodeURIComponent(taskId)}`;
  await http.api(jar, { method: 'DELETE', path, schema: anyData, context: 'delete task', options });
}

const listSchema = z.object({
  tasks: z.array(taskSchema).nullish(),
  page_info: z.object({ has_next_page: z.boolean().nullish(), total_count: z.number().nullish() }).nullish(),
});

/** One page of the account's tasks (docs/monkeycode-protocol.md §4.3), optionally filtered by status (e.g. `pending,processing`). */
export async function listTasks(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  query: { page?: number; size?: number; status?: string } = {},
  options?: CallOptions,
): Promise<{ tasks: MonkeyCodeTask[]; hasNextPage: boolean }> {
  const data = await http.api(jar, {
    method: 'GET',
    path: '/api/v1/users/tasks',
    query: { page: query.page ?? 1, size: query.size ?? 20, status: query.status },
    schema: listSchema,
    context: 'list tasks',
    options,
  });
  return { tasks: (data.tasks ?? []).map(toTask), hasNextPage: data.page_info?.has_next_page ?? false };
}

/**
 * docs/monkeycode-protocol.md §4.2/§9.2 item 4: the only billed token counts are the task's cumulative `stats`, so a turn's
 * usage is `after − before`. Null when the platform reported no increase (stats absent or lagging).
 */
export function usageFromStats(before: TaskStats | null, after: TaskStats | null): TokenUsage | null {
  if (!after) return null;
  const inputTokens = after.inputTokens - (before?.inputTokens ?? 0);
  const outputTokens = after.outputTokens - (before?.outputTokens ?? 0);
  if (inputTokens < 0 || outputTokens < 0 || inputTokens + outputTokens === 0) return null;
  const totalTokens = Math.max(after.totalTokens - (before?.totalTokens ?? 0), inputTokens + outputTokens);
  return { inputTokens, outputTokens, totalTokens, estimated: false };
}

/** An estimate from the tokens estimated for what was sent and received (util/token-estimate.ts). */
export function estimateUsage(inputTokens: number, outputTokens: number): TokenUsage {
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
