import { CATALOG_IMAGES } from '../catalog/images.js';
import { CATALOG_MODELS, taskModelJson } from '../catalog/models.js';
import type { TaskRecord } from '../types.js';

/** Go's zero `time.Time` as Unix seconds: what `completed_at` holds until the task completes. */
export const GO_ZERO_TIME = -62_135_596_800;

const CONDITIONS = [
  'Scheduled',
  'ImagePulled',
  'ProjectCloned',
  'ImageBuilt',
  'ContainerCreated',
  'ContainerStarted',
  'Ready',
];

/** The `virtualmachine` object, or null while the task has none (pending, failed boot). */
export function vmJson(t: TaskRecord): Record<string, unknown> | null {
  if (t.vmStatus === null) return null;
  const bootMs = (t.createdAt + 30) * 1000;
  return {
    id: t.vmId,
    hostname: `vm-${t.id.slice(0, 8)}`,
    os: 'linux',
    cores: 2,
    memory: 8_589_934_592,
    status: t.vmStatus,
    name: `task-${t.id}`,
    life_time_seconds: 0,
    version: 'v1.0.0-fake',
    created_at: t.createdAt,
    environment_id: `env-${t.id.slice(0, 8)}`,
    conditions: CONDITIONS.map((type) => ({
      type,
      status: 2,
      reason: '',
      message: '',
      last_transition_time: bootMs,
    })),
    host: { id: 'public-host-1', status: 'online', name: 'public-host-1' },
  };
}

function embedded(t: TaskRecord): Record<string, unknown> {
  const model = CATALOG_MODELS.find((m) => m.id === t.modelId);
  const image = CATALOG_IMAGES.find((i) => i.id === t.imageId);
  return {
    model: model === undefined ? null : taskModelJson(model),
    image: image === undefined ? null : { id: image.id, name: image.name, remark: image.remark },
  };
}

function common(t: TaskRecord): Record<string, unknown> {
  return {
    id: t.id,
    user_id: t.userId,
    type: t.type,
    sub_type: t.subType,
    content: t.content,
    title: t.title,
    summary: '',
    status: t.status,
    log_store: 'clickhouse',
    virtualmachine: vmJson(t),
    created_at: t.createdAt,
    last_active_at: t.lastActiveAt,
    completed_at: t.completedAt ?? GO_ZERO_TIME,
    cli_name: t.cliName,
  };
}

/** `ProjectTask` as returned by create and list (docs/monkeycode-protocol.md §4.1, §4.3). */
export function projectTaskJson(t: TaskRecord): Record<string, unknown> {
  return { ...common(t), ...embedded(t), branch: 'master' };
}

/** `Task` as returned by `GET /tasks/{id}`; `stats` omitted while zero (docs/monkeycode-protocol.md §4.2). */
export function taskInfoJson(t: TaskRecord): Record<string, unknown> {
  const s = t.stats;
  const out: Record<string, unknown> = { ...common(t), ...embedded(t) };
  if (s.inputTokens + s.outputTokens + s.llmRequests > 0) {
    out['stats'] = {
      input_tokens: s.inputTokens,
      output_tokens: s.outputTokens,
      total_tokens: s.inputTokens + s.outputTokens,
      llm_requests: s.llmRequests,
    };
  }
  return out;
}
