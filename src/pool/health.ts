import type { Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { LeaseOutcome } from './lease.js';

/** Cooldown after the platform says the account is busy, short of capacity, or out of credits. */
const COOLDOWN_MS = { concurrency: 5_000, default: 1_000, credits: 3_600_000 } as const;

/**
 * Record what a request taught us about its account: success confirms it; session and credential
 * failures take it out of rotation; quota failures cool it; request-scoped and transient
 * failures leave it alone.
 */
export function applyOutcome(store: Store, logger: Logger, accountId: number, outcome: LeaseOutcome, now: number): void {
  const account = store.accounts.get(accountId);
  if (account === null) return;
  if (outcome.ok) {
    if (account.state !== 'active') store.accounts.update(accountId, { state: 'active', lastError: null, cooldownUntil: null });
    return;
  }
  const { failure } = outcome;
  switch (failure.scope) {
    case 'session-expired':
      store.accounts.update(accountId, { state: 'expired', lastError: failure.message });
      break;
    case 'account-invalid':
      store.accounts.update(accountId, { state: 'invalid', lastError: failure.message });
      break;
    case 'account-cooling': {
      const ms = failure.kind === 'concurrency' ? COOLDOWN_MS.concurrency : failure.kind === 'credits' ? COOLDOWN_MS.credits : COOLDOWN_MS.default;
      store.accounts.update(accountId, { state: 'cooling', cooldownUntil: now + ms, lastError: failure.message });
      break;
    }
    default:
      return;
  }
  logger.warn({ accountId, kind: failure.kind, scope: failure.scope }, 'account health changed');
}
