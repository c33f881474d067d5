import type { Pool } from 'undici';

/** Session cookie name (docs/monkeycode-protocol.md §2.1). */
export const SESSION_COOKIE = 'monkeycode_ai_session';

/** A non-zero envelope `code` (docs/monkeycode-protocol.md §1.2), or an HTTP status that is not 200. */
export class DirectCallError extends Error {
  constructor(
    readonly code: number,
    context: string,
  ) {
    super(`${context}: code ${code}`);
    this.name = 'DirectCallError';
  }
}

/** Narrow an unknown JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One enveloped MonkeyCode REST call (docs/monkeycode-protocol.md §1.1): returns `data`, throws `DirectCallError` on
 * a non-200 status or a non-zero `code`. Written from the spec, independent of `src/upstream`.
 */
export async function callApi(
  pool: Pool,
  cookie: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = {
    cookie: `${SESSION_COOKIE}=${cookie}`,
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await pool.request({
    method,
    path,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new DirectCallError(res.statusCode, `${method} ${path}`);
  const json: unknown = JSON.parse(text);
  if (!isRecord(json) || json.code !== 0)
    throw new DirectCallError(
      isRecord(json) && typeof json.code === 'number' ? json.code : -1,
      `${method} ${path}`,
    );
  return json.data;
}

/** docs/monkeycode-protocol.md §4.1 create body with the official clients' defaults; returns the task id. */
export async function createTask(
  pool: Pool,
  cookie: string,
  input: { content: string; imageId: string; modelId: string },
): Promise<string> {
  const data = await callApi(pool, cookie, 'POST', '/api/v1/users/tasks', {
    content: input.content,
    host_id: 'public_host',
    image_id: input.imageId,
    model_id: input.modelId,
    cli_name: 'opencode',
    task_type: 'develop',
    repo: {},
    resource: { core: 2, memory: 8_589_934_592, life: 10_800 },
    extra: { skill_ids: [] },
  });
  if (!isRecord(data) || typeof data.id !== 'string') throw new Error('create task: no id');
  return data.id;
}

/** docs/monkeycode-protocol.md §4.2 task status (`pending`, `processing`, `finished`, `error`). */
export async function taskStatus(pool: Pool, cookie: string, taskId: string): Promise<string> {
  const data = await callApi(pool, cookie, 'GET', `/api/v1/users/tasks/${taskId}`);
  return isRecord(data) && typeof data.status === 'string' ? data.status : 'unknown';
}

/** docs/monkeycode-protocol.md §4.4 stop: frees the account's concurrency slot. */
export async function stopTask(pool: Pool, cookie: string, taskId: string): Promise<void> {
  await callApi(pool, cookie, 'PUT', '/api/v1/users/tasks/stop', { id: taskId });
}

/** docs/monkeycode-protocol.md §3.1/§3.2: the `devbox` image id and the id of model `modelName`, read once at setup. */
export async function discoverIds(
  pool: Pool,
  cookie: string,
  modelName: string,
): Promise<{ imageId: string; modelId: string }> {
  const images = await callApi(pool, cookie, 'GET', '/api/v1/users/images?limit=100');
  const models = await callApi(pool, cookie, 'GET', '/api/v1/users/models?limit=200');
  const imageRows = isRecord(images) && Array.isArray(images.images) ? images.images.filter(isRecord) : [];
  const modelRows = isRecord(models) && Array.isArray(models.models) ? models.models.filter(isRecord) : [];
  const image = imageRows.find((row) => row.remark === 'devbox') ?? imageRows[0];
  const model = modelRows.find((row) => row.model === modelName);
  if (typeof image?.id !== 'string' || typeof model?.id !== 'string')
    throw new Error(`direct setup: no image or no model ${modelName}`);
  return { imageId: image.id, modelId: model.id };
}
