/**
 * Which account a waiting request gets: the snapshot of accounts the pool selects from, the
 * classification of the eligible accounts (free, worth waiting for, evictable, out), and the
 * strategy that picks among the free ones (config `pool.strategy`).
 */
import type { Account, AsyncStore } from '../store/index.js';

/** What the pool selects from: the accounts, the models each offers and the models resting on each. */
export interface PoolSnapshot {
  readonly accounts: readonly Account[];
  /** Account id → upstream model name → the upstream's model id on that account. */
  readonly modelIds: ReadonlyMap<number, ReadonlyMap<string, string>>;
  /** Every upstream model name some account offers (what `/v1/models` lists). */
  readonly modelNames: ReadonlySet<string>;
  /** Account id → upstream model name → end of its cooldown (ms). */
  readonly modelCooldowns: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** Account id → its session (decrypted once per snapshot: every lease needs it). */
  readonly sessions: ReadonlyMap<number, string>;
}

/**
 * Read a snapshot from the store (three queries and one per logged-in account's session; the pool
 * keeps it until the data changes). `unreadable` hears of a session that cannot be decrypted.
 */
export async function readSnapshot(
  store: AsyncStore,
  now: number,
  unreadable: (accountId: number, err: unknown) => void,
): Promise<PoolSnapshot> {
  const [models, rests, accounts] = await Promise.all([
    store.models.listAll(),
    store.models.listModelCooldowns(now),
    store.accounts.list(),
  ]);
  const modelIds = new Map<number, Map<string, string>>();
  for (const model of models) {
    const ids = modelIds.get(model.accountId) ?? new Map<string, string>();
    // listAll is ordered by weight, highest first: the first id of a name wins (as before).
    if (!ids.has(model.name)) ids.set(model.name, model.upstreamId);
    modelIds.set(model.accountId, ids);
  }
  const modelCooldowns = new Map<number, Map<string, number>>();
  for (const rest of rests) {
    const byName = modelCooldowns.get(rest.accountId) ?? new Map<string, number>();
    byName.set(rest.name, rest.until);
    modelCooldowns.set(rest.accountId, byName);
  }
  const modelNames = new Set([...modelIds.values()].flatMap((byName) => [...byName.keys()]));
  const sessions = new Map<number, string>();
  await Promise.all(
    accounts
      .filter((account) => account.hasCookie)
      .map(async (account) => {
        try {
          const session = (await store.accounts.getSecrets(account.id))?.cookie ?? null;
          if (session !== null) sessions.set(account.id, session);
        } catch (err) {
          unreadable(account.id, err);
        }
      }),
  );
  return { accounts, modelIds, modelNames, modelCooldowns, sessions };
}

/** The soonest end of an account or model cooldown after `now`, or null when nothing rests. */
export function nextRestEnd(snapshot: PoolSnapshot, now: number): number | null {
  const ends = [
    ...snapshot.accounts.map((a) => (a.state === 'cooling' ? (a.cooldownUntil ?? 0) : 0)),
    ...[...snapshot.modelCooldowns.values()].flatMap((byModel) => [...byModel.values()]),
  ].filter((t) => t > now);
  return ends.length === 0 ? null : Math.min(...ends);
}

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

/** How the pool picks among accounts with a free slot (config `pool.strategy`). */
export type Strategy = 'least-busy' | 'round-robin' | 'fill-first';

/** An account with at least one free slot. */
export interface SlotCandidate {
  accountId: number;
  inFlight: number;
  max: number;
  /** Sequence number of its last lease (0 = never); lower means longer ago. */
  lastLeased: number;
}

/**
 * Pick one candidate (non-empty list):
 * - `least-busy`: the lowest share of slots in use; ties go to the account leased longest ago,
 *   then the lowest id — so idle accounts take turns;
 * - `round-robin`: the first account after the previously picked one, by id, wrapping around;
 * - `fill-first`: the lowest id, so one account fills up before the next is used.
 */
export function pickCandidate(
  strategy: Strategy,
  candidates: readonly SlotCandidate[],
  previous: number | null,
): SlotCandidate {
  const byId = [...candidates].sort((a, b) => a.accountId - b.accountId);
  const first = byId[0];
  if (first === undefined) throw new Error('pickCandidate needs at least one candidate');
  switch (strategy) {
    case 'fill-first':
      return first;
    case 'round-robin':
      return byId.find((c) => previous === null || c.accountId > previous) ?? first;
    case 'least-busy':
      return byId.reduce((best, c) => (compareLoad(c, best) < 0 ? c : best));
  }
}

function compareLoad(a: SlotCandidate, b: SlotCandidate): number {
  return (
    a.inFlight / a.max - b.inFlight / b.max ||
    a.inFlight - b.inFlight ||
    a.lastLeased - b.lastLeased ||
    a.accountId - b.accountId
  );
}
