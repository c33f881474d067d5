import type { AsyncStore } from '../store/index.js';
import { summarizePool, type AccountStatusRow, type PoolStatus } from './status.js';

/** A model resting on one account. */
export interface ModelRest {
  model: string;
  until: number;
}

/** One account in the operator's view: status and slots, plan, session end, resting models. No secrets. */
export interface AccountReportRow extends AccountStatusRow {
  plan: string | null;
  cookieExpiresAt: number | null;
  modelCooldowns: ModelRest[];
}

/** `GET /admin/pool/status` and `relaypool pool status`: the summary plus the wait queue and per-account rows. */
export interface PoolReport extends PoolStatus {
  /** Requests waiting for a slot; null when unknown (the CLI reads the database, not a server). */
  queued: number | null;
  accounts: AccountReportRow[];
}

/** Build the operator's view from the store, the slots in use and the queue length. */
export async function buildPoolReport(
  store: AsyncStore,
  inFlight: ReadonlyMap<number, number>,
  queued: number | null,
  defaultMaxConcurrency: number,
  now: number,
  idle?: ReadonlyMap<number, number>,
  elsewhere?: ReadonlyMap<number, number>,
): Promise<PoolReport> {
  const accounts = await store.accounts.list();
  const status = summarizePool(accounts, inFlight, defaultMaxConcurrency, now, idle, elsewhere);
  const rests = await store.models.listModelCooldowns(now);
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const rows = status.accounts.map((row): AccountReportRow => {
    const account = byId.get(row.id);
    return {
      ...row,
      plan: account?.plan ?? null,
      cookieExpiresAt: account?.cookieExpiresAt ?? null,
      modelCooldowns: rests
        .filter((rest) => rest.accountId === row.id)
        .map((rest) => ({ model: rest.name, until: rest.until })),
    };
  });
  return { ...status, queued, accounts: rows };
}

/**
 * Pool status as the database knows it: account states, plus in-flight slots counted from the
 * tasks relaypool recorded as running (so the CLI sees what a running server is doing). The wait
 * queue lives in the server's memory, so `queued` is null here.
 */
export async function readPoolStatus(
  store: AsyncStore,
  defaultMaxConcurrency: number,
  now: number,
): Promise<PoolReport> {
  return buildPoolReport(
    store,
    await store.tasks.countBusyByAccount(),
    null,
    defaultMaxConcurrency,
    now,
    await store.tasks.countIdleByAccount(),
  );
}
