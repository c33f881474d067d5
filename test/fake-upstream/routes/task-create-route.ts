import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { CATALOG_IMAGES } from '../catalog/images.js';
import { CATALOG_MODELS, planAllowsModel } from '../catalog/models.js';
import { bizError, frameworkError, ok, type Reply } from '../http/reply.js';
import type { RequestContext } from '../http/request-context.js';
import { isUuid, ZERO_UUID } from '../ids.js';
import { projectTaskJson } from '../views/task-view.js';

/** SRC `consts.PUBLIC_HOST_ID`. */
export const PUBLIC_HOST_ID = 'public_host';

const uuidString = z.string().refine((s) => isUuid(s) && s !== ZERO_UUID);
const int = z.number().int();

/** Binding + `validate:"required"` tags of `CreateTaskReq`: any failure is HTTP 400. */
const createBody = z.object({
  content: z.string().min(1),
  host_id: z.string().min(1),
  image_id: uuidString,
  model_id: z.string().min(1),
  cli_name: z.string().nullable().optional(),
  task_type: z.string().nullable().optional(),
  sub_type: z.string().nullable().optional(),
  system_prompt: z.string().nullable().optional(),
  resource: z.object({
    core: int.nullable().optional(),
    memory: int.nonnegative().nullable().optional(),
    life: int.nullable().optional(),
  }),
  repo: z
    .object({ repo_url: z.string(), branch: z.string(), repo_filename: z.string(), zip_url: z.string() })
    .partial()
    .nullable()
    .optional(),
  extra: z
    .object({ skill_ids: z.array(z.string()).nullable().optional() })
    .loose()
    .nullable()
    .optional(),
  attachments: z
    .array(z.object({ url: z.string(), filename: z.string() }))
    .max(10)
    .nullable()
    .optional(),
  git_identity_id: z.string().refine(isUuid).nullable().optional(),
});

const CLI_NAMES = new Set(['opencode', 'codex', 'claude']);

/**
 * `POST /users/tasks` (docs/monkeycode-protocol.md §4.1, §7). Order follows SRC: bind/validate (400) → public-host
 * life (10230) → model id/plan (10812) → model/image/cli lookups (500) → concurrency (10811).
 */
export function createTask(deps: AppDeps, ctx: RequestContext): Reply {
  const user = ctx.auth?.user;
  if (user === undefined) throw new Error('route requires auth');
  const parsed = createBody.safeParse(ctx.body.json);
  if (!parsed.success) return frameworkError(400, ctx.lang);
  const req = parsed.data;
  const life = req.resource.life ?? 0;
  if (req.host_id === PUBLIC_HOST_ID && life > 10_800) return bizError(10230, ctx.lang);
  if (req.host_id !== PUBLIC_HOST_ID) return bizError(500, ctx.lang); // the user has no private hosts
  if (!isUuid(req.model_id)) return bizError(10812, ctx.lang);
  const model = CATALOG_MODELS.find((m) => m.id === req.model_id.toLowerCase());
  if (model === undefined) return bizError(500, ctx.lang);
  if (model.placeholder || !planAllowsModel(user.plan, model.model)) return bizError(10812, ctx.lang);
  if (!CATALOG_IMAGES.some((i) => i.id === req.image_id.toLowerCase())) return bizError(500, ctx.lang);
  const cliName = req.cli_name ?? '';
  if (!CLI_NAMES.has(cliName)) return bizError(500, ctx.lang);
  const limit = user.concurrencyLimit ?? deps.options.concurrencyLimit;
  if (deps.store.activeTaskCount(user.id) >= limit) return bizError(10811, ctx.lang);
  const task = deps.tasks.create({
    userId: user.id,
    content: req.content,
    modelId: model.id,
    imageId: req.image_id.toLowerCase(),
    hostId: req.host_id,
    cliName,
    type: req.task_type ?? 'develop',
    subType: req.sub_type ?? '',
    systemPrompt: req.system_prompt ?? '',
    resource: { core: req.resource.core ?? 0, memory: req.resource.memory ?? 0, life },
  });
  return ok(projectTaskJson(task));
}
