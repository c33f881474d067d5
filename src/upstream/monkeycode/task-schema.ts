import { z } from 'zod';

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
