import { z } from 'zod';
import type { CallOptions, UpstreamModel } from '../types.js';
import type { UpstreamLogger } from '../logger.js';
import type { MonkeyCodeHttp } from './http-client.js';
import type { SessionJar } from './session-jar.js';

// docs/monkeycode-protocol.md §3.1: one model row. Hosted-only fields are optional; unknown fields are ignored.
const modelSchema = z.object({
  id: z.string().min(1),
  model: z.string().min(1),
  provider: z.string().nullish(),
  remark: z.string().nullish(),
  interface_type: z.string().nullish(),
  access_level: z.string().nullish(),
  is_free: z.boolean().nullish(),
  is_default: z.boolean().nullish(),
  is_hidden: z.boolean().nullish(),
  weight: z.number().nullish(),
  thinking_enabled: z.boolean().nullish(),
  support_image: z.boolean().nullish(),
  context_limit: z.number().nullish(),
  output_limit: z.number().nullish(),
  owner: z.object({ type: z.string().nullish() }).nullish(),
});
type RawModel = z.infer<typeof modelSchema>;

const pageSchema = z.object({
  models: z.array(z.unknown()).nullish(),
  page: z.object({ cursor: z.string().nullish(), has_next_page: z.boolean().nullish() }).nullish(),
});

const PAGE_LIMIT = 200;
const MAX_PAGES = 50;

/**
 * `GET /api/v1/users/models?limit=200[&cursor=…]` across every page (docs/monkeycode-protocol.md §3.1), keeping only callable
 * models: hidden rows and bare tier placeholders are skipped, malformed rows logged and skipped.
 */
export async function fetchModels(
  http: MonkeyCodeHttp,
  jar: SessionJar,
  logger: UpstreamLogger,
  options?: CallOptions,
): Promise<UpstreamModel[]> {
  const models: UpstreamModel[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await http.api(jar, {
      method: 'GET',
      path: '/api/v1/users/models',
      query: { limit: PAGE_LIMIT, cursor },
      schema: pageSchema,
      context: 'list models',
      // docs/monkeycode-protocol.md §1.3: desktop treats a null `data` here as a dead session.
      nullDataMeansExpired: true,
      options,
    });
    for (const row of data.models ?? []) {
      const parsed = modelSchema.safeParse(row);
      if (!parsed.success) logger.warn({ page }, 'skipping a malformed model row');
      else if (isCallableModel(parsed.data)) models.push(toUpstreamModel(parsed.data));
    }
    const next = data.page?.cursor ?? undefined;
    if (!data.page?.has_next_page || !next || next === cursor) break;
    cursor = next;
  }
  return models;
}

const TIER_PLACEHOLDER = /^monkeycode-(basic|pro|ultra)$/i;

/** docs/monkeycode-protocol.md §3.1: skip `is_hidden` rows and bare `monkeycode-basic|pro|ultra` tier placeholders. */
export function isCallableModel(raw: Pick<RawModel, 'model' | 'is_hidden'>): boolean {
  return raw.is_hidden !== true && !TIER_PLACEHOLDER.test(raw.model.trim());
}

/** Map a wire row to the platform-neutral model. */
export function toUpstreamModel(raw: RawModel): UpstreamModel {
  return {
    id: raw.id,
    name: raw.model,
    displayName: raw.remark?.trim() || raw.model,
    provider: raw.provider ?? '',
    interfaceType: raw.interface_type || null,
    accessLevel: raw.access_level || null,
    isFree: raw.is_free ?? null,
    isDefault: raw.is_default ?? false,
    weight: raw.weight ?? 0,
    thinking: raw.thinking_enabled ?? false,
    supportsImages: raw.support_image ?? false,
    contextLimit: raw.context_limit || null,
    outputLimit: raw.output_limit || null,
    ownerType: raw.owner?.type || null,
  };
}

const PRO_PLANS = new Set(['pro', 'flagship', 'ultra']);
const ULTRA_PLANS = new Set(['flagship', 'ultra']);

/**
 * docs/monkeycode-protocol.md §3.1 plan gating used by every official client: `monkeycode-pro*` needs plan
 * `pro|flagship|ultra`, `monkeycode-ultra*` needs `flagship|ultra`, everything else is allowed.
 * An unknown plan (null) allows everything; the server still enforces (10812).
 */
export function planAllowsModel(plan: string | null, modelName: string): boolean {
  if (plan === null) return true;
  const name = modelName.trim().toLowerCase();
  const tier = plan.trim().toLowerCase();
  if (name.startsWith('monkeycode-ultra')) return ULTRA_PLANS.has(tier);
  if (name.startsWith('monkeycode-pro')) return PRO_PLANS.has(tier);
  return true;
}

/** The models `plan` may use. */
export function allowedModels(plan: string | null, models: readonly UpstreamModel[]): UpstreamModel[] {
  return models.filter((model) => planAllowsModel(plan, model.name));
}

function tierPrefixOf(plan: string | null): string | null {
  switch (plan?.trim().toLowerCase()) {
    case 'basic':
      return 'monkeycode-basic';
    case 'pro':
      return 'monkeycode-pro';
    case 'flagship':
    case 'ultra':
      return 'monkeycode-ultra';
    default:
      return null;
  }
}

/**
 * docs/monkeycode-protocol.md §3.1 default pick: the plan's tier model with the highest `weight`, else the first allowed public
 * model, else the first allowed model, else null.
 */
export function pickDefaultModel(
  plan: string | null,
  models: readonly UpstreamModel[],
): UpstreamModel | null {
  const allowed = allowedModels(plan, models);
  const prefix = tierPrefixOf(plan);
  const tier = prefix ? allowed.filter((model) => model.name.toLowerCase().startsWith(prefix)) : [];
  const best = tier.reduce<UpstreamModel | null>(
    (top, model) => (top && top.weight >= model.weight ? top : model),
    null,
  );
  if (best) return best;
  return (
    allowed.find((model) => model.ownerType === null || model.ownerType === 'public') ?? allowed[0] ?? null
  );
}
