import type { Account, AsyncStore } from '../store/index.js';
import type { AccountDiscovery, UpstreamUser } from '../upstream/types.js';
import { NotFoundError } from '../util/errors.js';

/**
 * Store what a successful check found: the models the plan allows (this clears model cooldowns)
 * and the account as `active`, with its upstream user and plan.
 */
export async function saveAccountCheck(
  store: AsyncStore,
  id: number,
  user: UpstreamUser,
  discovery: AccountDiscovery,
  now: number,
): Promise<{ account: Account; user: UpstreamUser; discovery: AccountDiscovery }> {
  await store.models.replaceForAccount(
    id,
    discovery.allowedModels.map((model) => ({
      upstreamId: model.id,
      name: model.name,
      remark: model.displayName,
      accessLevel: model.accessLevel,
      isFree: model.isFree ?? false,
      interfaceType: model.interfaceType ?? '',
      contextLimit: model.contextLimit,
      outputLimit: model.outputLimit,
      thinkingEnabled: model.thinking,
      weight: model.weight,
      isDefault: model.isDefault,
    })),
  );
  const account = await store.accounts.update(id, {
    state: 'active',
    lastError: null,
    cooldownUntil: null,
    lastCheckedAt: now,
    upstreamUserId: user.id,
    upstreamUserName: user.name,
    plan: discovery.plan,
  });
  if (account === null) throw new NotFoundError(`account ${id} disappeared`, { code: 'account_not_found' });
  return { account, user, discovery };
}
