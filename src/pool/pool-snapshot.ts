import type { Account, Store } from '../store/index.js';

/** What the pool selects from: the accounts, the models each offers and the models resting on each. */
export interface PoolSnapshot {
  readonly accounts: readonly Account[];
  /** Account id → upstream model name → the upstream's model id on that account. */
  readonly modelIds: ReadonlyMap<number, ReadonlyMap<string, string>>;
  /** Every upstream model name some account offers (what `/v1/models` lists). */
  readonly modelNames: ReadonlySet<string>;
  /** Account id → upstream model name → end of its cooldown (ms). */
  readonly modelCooldowns: ReadonlyMap<number, ReadonlyMap<string, number>>;
}

/** Read a snapshot from the store (three queries; the pool caches it until the data changes). */
export function readSnapshot(store: Store, now: number): PoolSnapshot {
  const modelIds = new Map<number, Map<string, string>>();
  for (const model of store.models.listAll()) {
    const ids = modelIds.get(model.accountId) ?? new Map<string, string>();
    // listAll is ordered by weight, highest first: the first id of a name wins (as before).
    if (!ids.has(model.name)) ids.set(model.name, model.upstreamId);
    modelIds.set(model.accountId, ids);
  }
  const modelCooldowns = new Map<number, Map<string, number>>();
  for (const rest of store.models.listModelCooldowns(now)) {
    const byName = modelCooldowns.get(rest.accountId) ?? new Map<string, number>();
    byName.set(rest.name, rest.until);
    modelCooldowns.set(rest.accountId, byName);
  }
  const modelNames = new Set([...modelIds.values()].flatMap((byName) => [...byName.keys()]));
  return { accounts: store.accounts.list(), modelIds, modelNames, modelCooldowns };
}

/** The soonest end of an account or model cooldown after `now`, or null when nothing rests. */
export function nextRestEnd(snapshot: PoolSnapshot, now: number): number | null {
  const ends = [
    ...snapshot.accounts.map((a) => (a.state === 'cooling' ? (a.cooldownUntil ?? 0) : 0)),
    ...[...snapshot.modelCooldowns.values()].flatMap((byModel) => [...byModel.values()]),
  ].filter((t) => t > now);
  return ends.length === 0 ? null : Math.min(...ends);
}
