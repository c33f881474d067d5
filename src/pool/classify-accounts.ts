import type { Account } from '../store/index.js';
import type { PoolSnapshot } from './pool-snapshot.js';
import type { SlotCandidate } from './strategies.js';

/** Why an eligible account cannot take a request now. */
export type OutReason = 'cooling' | 'expired' | 'invalid' | 'tried';

/** An eligible account that cannot take the request; `until` is when it recovers, when known. */
export interface OutAccount {
  accountId: number;
  reason: OutReason;
  until: number | null;
}

/** The eligible accounts for one request, sorted by what they can do for it. */
export interface Classification {
  /** Enabled accounts that offer the model. */
  eligible: number;
  /** Accounts with a free slot. */
  free: SlotCandidate[];
  /** Accounts worth waiting for: all slots busy, or a re-login under way. */
  waitable: number;
  /** Accounts whose only obstacle is idle tasks: stopping one frees a slot for this request. */
  evictable: number[];
  out: OutAccount[];
}

/** What classification needs besides the snapshot. */
export interface ClassifyContext {
  now: number;
  exclude: ReadonlySet<number>;
  busy: ReadonlyMap<number, number>;
  /** Idle tasks per account: they hold slots too, but can be stopped when a slot is needed. */
  idle: ReadonlyMap<number, number>;
  maxOf: (account: Account) => number;
  recovering: (accountId: number) => boolean;
  lastLeased: (accountId: number) => number;
}

/** When the account or this model on it rests until, if later than now. */
function restUntil(snapshot: PoolSnapshot, account: Account, model: string, now: number): number | null {
  const times = [account.state === 'cooling' ? account.cooldownUntil : null, snapshot.modelCooldowns.get(account.id)?.get(model) ?? null];
  const future = times.filter((t): t is number => t !== null && t > now);
  return future.length === 0 ? null : Math.max(...future);
}

/** Sort the accounts that could serve `model` into free, worth waiting for, and out (with why). */
export function classifyAccounts(snapshot: PoolSnapshot, model: string, ctx: ClassifyContext): Classification {
  const result: Classification = { eligible: 0, free: [], waitable: 0, evictable: [], out: [] };
  for (const account of snapshot.accounts) {
    if (!account.enabled || !snapshot.modelIds.get(account.id)?.has(model)) continue;
    result.eligible += 1;
    const until = restUntil(snapshot, account, model, ctx.now);
    const out = (reason: OutReason): void => void result.out.push({ accountId: account.id, reason, until });
    if (ctx.exclude.has(account.id)) out('tried');
    else if (account.state === 'invalid') out('invalid');
    else if (account.state === 'expired' || !account.hasCookie) {
      if (ctx.recovering(account.id)) result.waitable += 1;
      else out('expired');
    } else if (until !== null) out('cooling');
    else {
      const busy = ctx.busy.get(account.id) ?? 0;
      const inFlight = busy + (ctx.idle.get(account.id) ?? 0);
      const max = ctx.maxOf(account);
      if (inFlight < max) result.free.push({ accountId: account.id, inFlight, max, lastLeased: ctx.lastLeased(account.id) });
      else {
        result.waitable += 1;
        if (busy < max) result.evictable.push(account.id);
      }
    }
  }
  return result;
}
