import type { UpstreamModel } from '../types.js';

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
