import type { Account, AsyncStore } from '../store/index.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import { describeFailure, type AccountService } from './account-service.js';

/** One model an account's plan shows, and whether the plan lets the account call it. */
export interface DiscoveredModel {
  name: string;
  accessLevel: string | null;
  allowed: boolean;
}

/** `relaypool discover` / `GET /admin/discover`: what the upstream says about one account. */
export interface DiscoverRow {
  id: number;
  label: string;
  plan: string | null;
  imageId: string | null;
  hostId: string | null;
  models: DiscoveredModel[];
  error: string | null;
}

/** The outcome of re-validating one account (`accounts refresh`, `POST /admin/pool/refresh`). */
export interface RefreshResult {
  id: number;
  label: string;
  ok: boolean;
  /** True when the check needed a fresh password login. */
  reloggedIn: boolean;
  /** The account's status afterwards. */
  status: Account['status'] | 'removed';
  plan: string | null;
  models: number;
  error: string | null;
}

/** Ask the upstream, per stored account, for its plan, image, host and models. Never throws per account. */
export async function discoverAccounts(store: AsyncStore, adapter: UpstreamAdapter): Promise<DiscoverRow[]> {
  const out: DiscoverRow[] = [];
  for (const account of await store.accounts.list()) {
    const base = {
      id: account.id,
      label: account.label,
      plan: null,
      imageId: null,
      hostId: null,
      models: [],
    };
    const session = (await store.accounts.getSecrets(account.id))?.cookie;
    if (!session) {
      out.push({ ...base, error: 'no session stored' });
      continue;
    }
    try {
      const found = await adapter.discover(session);
      const allowed = new Set(found.allowedModels.map((m) => m.id));
      const models = found.models.map((m) => ({
        name: m.name,
        accessLevel: m.accessLevel,
        allowed: allowed.has(m.id),
      }));
      out.push({
        ...base,
        plan: found.plan,
        imageId: found.environmentId,
        hostId: found.hostId,
        models,
        error: null,
      });
    } catch (err) {
      out.push({ ...base, error: describeFailure(err) });
    }
  }
  return out;
}

/** The accounts a bulk refresh covers: enabled ones, optionally without those marked invalid. */
export async function refreshableIds(
  store: AsyncStore,
  options: { skipInvalid?: boolean } = {},
): Promise<number[]> {
  return (await store.accounts.list())
    .filter((a) => a.enabled && !(options.skipInvalid && a.state === 'invalid'))
    .map((a) => a.id);
}

/** Re-validate the given accounts one by one (re-login where a password is stored). Never throws per account. */
export async function refreshAccountList(
  service: AccountService,
  store: AsyncStore,
  ids: readonly number[],
): Promise<RefreshResult[]> {
  const results: RefreshResult[] = [];
  for (const id of ids) {
    try {
      const check = await service.refresh(id);
      results.push({
        id,
        label: check.account.label,
        ok: true,
        reloggedIn: check.reloggedIn,
        status: check.account.status,
        plan: check.discovery.plan,
        models: check.discovery.allowedModels.length,
        error: null,
      });
    } catch (err) {
      const account = await store.accounts.get(id);
      results.push({
        id,
        label: account?.label ?? '',
        ok: false,
        reloggedIn: false,
        status: account?.status ?? 'removed',
        plan: account?.plan ?? null,
        models: 0,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return results;
}

export type { Account } from '../store/index.js';
