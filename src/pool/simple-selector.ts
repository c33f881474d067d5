import type { Account, Store } from '../store/index.js';
import { NoCapacityError, ServiceUnavailableError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { applyOutcome } from './health.js';
import type { AccountSelector, Lease, LeaseOutcome } from './lease.js';
import type { ModelCatalog } from './model-catalog.js';

export interface SelectorDeps {
  store: Store;
  catalog: ModelCatalog;
  logger: Logger;
  defaultMaxConcurrency: number;
  now: () => number;
}

function usable(account: Account, now: number): boolean {
  if (!account.enabled || !account.hasCookie) return false;
  if (account.state === 'cooling') return (account.cooldownUntil ?? 0) <= now;
  return account.state === 'active' || account.state === 'unverified';
}

/**
 * Least-busy selection over the store's accounts with in-memory slot counts. It fails fast
 * (no queue); the pool issue replaces it with leases, queueing and failover behind the same
 * `AccountSelector` interface.
 */
export function createSimpleSelector(deps: SelectorDeps): AccountSelector {
  const busy = new Map<number, number>();
  const release = (account: Account) => {
    let released = false;
    return (outcome: LeaseOutcome): void => {
      if (released) return;
      released = true;
      busy.set(account.id, Math.max(0, (busy.get(account.id) ?? 1) - 1));
      applyOutcome(deps.store, deps.logger, account.id, outcome, deps.now());
    };
  };
  return {
    inFlight: () => busy,
    async acquire(upstreamModel: string): Promise<Lease> {
      const now = deps.now();
      const accounts = deps.store.accounts.list();
      if (accounts.length === 0) {
        throw new ServiceUnavailableError('no upstream account is configured; add one with `relaypool accounts add`', { code: 'no_accounts' });
      }
      const serving = accounts.filter((a) => deps.catalog.upstreamIdFor(a.id, upstreamModel) !== null);
      const withModel = serving.filter((a) => usable(a, now));
      const cooling = serving.filter((a) => a.enabled && a.state === 'cooling' && (a.cooldownUntil ?? 0) > now);
      if (withModel.length === 0 && cooling.length > 0) {
        const soonest = Math.min(...cooling.map((a) => a.cooldownUntil ?? now));
        const seconds = Math.max(1, Math.ceil((soonest - now) / 1000));
        throw new NoCapacityError(`all ${cooling.length} accounts that serve this model are cooling down; next in ${seconds} s`, seconds, {
          code: 'pool_cooling',
        });
      }
      if (withModel.length === 0) {
        throw new ServiceUnavailableError(`none of the ${accounts.length} upstream accounts can serve this model right now`, {
          code: 'no_usable_account',
        });
      }
      const free = withModel
        .map((account) => ({ account, load: (busy.get(account.id) ?? 0) / (account.maxConcurrency ?? deps.defaultMaxConcurrency) }))
        .filter((candidate) => candidate.load < 1)
        .sort((a, b) => a.load - b.load || a.account.id - b.account.id);
      const chosen = free[0]?.account;
      if (chosen === undefined) {
        throw new NoCapacityError(`all ${withModel.length} accounts that serve this model are busy`, 5, { code: 'pool_busy' });
      }
      const session = deps.store.accounts.getSecrets(chosen.id)?.cookie;
      if (!session) throw new ServiceUnavailableError('the chosen account has no session', { code: 'no_session' });
      busy.set(chosen.id, (busy.get(chosen.id) ?? 0) + 1);
      return { account: chosen, session, release: release(chosen) };
    },
  };
}
