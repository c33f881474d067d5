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
  /** Accounts whose only obstacle is other processes' idle tasks: those processes may stop one. */
  wanted: number[];
  out: OutAccount[];
}

/** What classification needs besides the snapshot. */
export interface ClassifyContext {
  now: number;
  exclude: ReadonlySet<number>;
  busy: ReadonlyMap<number, number>;
  /** Slots other processes on the database hold (serving or idle): taken, and not ours to evict. */
  others: ReadonlyMap<number, number>;
  /** Of `others`, the slots their idle tasks hold. */
  othersIdle: ReadonlyMap<number, number>;
  /** Idle tasks per account: they hold slots too, but can be stopped when a slot is needed. */
  idle: ReadonlyMap<number, number>;
  maxOf: (account: Account) => number;
  recovering: (accountId: number) => boolean;
  lastLeased: (accountId: number) => number;
}

/** When the account or this model on it rests until, if later than now (runs per account per waiter: no allocation). */
function restUntil(snapshot: PoolSnapshot, account: Account, model: string, now: number): number | null {
  const accountUntil = account.state === 'cooling' ? account.cooldownUntil : null;
  const modelUntil = snapshot.modelCooldowns.get(account.id)?.get(model) ?? null;
  const a = accountUntil !== null && accountUntil > now ? accountUntil : null;
  const b = modelUntil !== null && modelUntil > now ? modelUntil : null;
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

/** Why `account` cannot take the request now ('recovering': a re-login will bring it back), or null. */
function obstacle(
  account: Account,
  until: number | null,
  ctx: ClassifyContext,
): OutReason | 'recovering' | null {
  if (ctx.exclude.has(account.id)) return 'tried';
  if (account.state === 'invalid') return 'invalid';
  if (account.state === 'expired' || !account.hasCookie)
    return ctx.recovering(account.id) ? 'recovering' : 'expired';
  return until === null ? null : 'cooling';
}

/** Sort the accounts that could serve `model` into free, worth waiting for, and out (with why). */
export function classifyAccounts(
  snapshot: PoolSnapshot,
  model: string,
  ctx: ClassifyContext,
): Classification {
  const result: Classification = { eligible: 0, free: [], waitable: 0, evictable: [], wanted: [], out: [] };
  for (const account of snapshot.accounts) {
    if (!account.enabled || !snapshot.modelIds.get(account.id)?.has(model)) continue;
    result.eligible += 1;
    const until = restUntil(snapshot, account, model, ctx.now);
    const why = obstacle(account, until, ctx);
    if (why === 'recovering') result.waitable += 1;
    else if (why !== null) result.out.push({ accountId: account.id, reason: why, until });
    else {
      const others = ctx.others.get(account.id) ?? 0;
      const busy = (ctx.busy.get(account.id) ?? 0) + others;
      const inFlight = busy + (ctx.idle.get(account.id) ?? 0);
      const max = ctx.maxOf(account);
      if (inFlight < max)
        result.free.push({ accountId: account.id, inFlight, max, lastLeased: ctx.lastLeased(account.id) });
      else {
        result.waitable += 1;
        if (busy < max) result.evictable.push(account.id);
        else if (busy - (ctx.othersIdle.get(account.id) ?? 0) < max) result.wanted.push(account.id);
      }
    }
  }
  return result;
}
