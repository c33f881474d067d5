/** Per-account cache of the upstream model list (`GET /api/v1/users/models`, docs/monkeycode-protocol.md §3.1). */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { createModelCooldowns, type ModelCooldowns } from './model-cooldowns.js';
import { parseRows, sqlBool, sqlInt, sqlIntOrNull, sqlTextOrNull, toSqlBool } from './sql-types.js';

/** A model to cache for one account (from the adapter's `UpstreamModel`). */
export interface CachedModelInput {
  /** The model's UUID (`id`), which task creation needs as `model_id`. */
  upstreamId: string;
  /** Upstream model name (`model`), e.g. `monkeycode-basic/qwen3.5-plus`. */
  name: string;
  remark?: string;
  accessLevel?: string | null;
  isFree?: boolean;
  interfaceType: string;
  contextLimit?: number | null;
  outputLimit?: number | null;
  thinkingEnabled?: boolean;
  weight?: number;
  isDefault?: boolean;
}

/** A cached model of one account. */
export interface CachedModel extends Required<CachedModelInput> {
  accountId: number;
  fetchedAt: number;
}

/** Read and replace the cached model lists. */
export interface ModelsRepo extends ModelCooldowns {
  /**
   * Replace every cached model of `accountId` in one transaction; returns the stored list.
   * Invalid input (ZodError) or an unknown account (foreign key) leaves the old list in place.
   */
  replaceForAccount(accountId: number, models: readonly CachedModelInput[]): CachedModel[];
  /** The account's models, highest weight first. */
  listForAccount(accountId: number): CachedModel[];
  /** Every account's models, by account then weight. */
  listAll(): CachedModel[];
}

export const modelRow = z
  .object({
    account_id: sqlInt,
    upstream_id: z.string(),
    name: z.string(),
    remark: z.string(),
    access_level: sqlTextOrNull,
    is_free: sqlBool,
    interface_type: z.string(),
    context_limit: sqlIntOrNull,
    output_limit: sqlIntOrNull,
    thinking_enabled: sqlBool,
    weight: sqlInt,
    is_default: sqlBool,
    fetched_at: sqlInt,
  })
  .transform((row): CachedModel => ({
    accountId: row.account_id,
    upstreamId: row.upstream_id,
    name: row.name,
    remark: row.remark,
    accessLevel: row.access_level,
    isFree: row.is_free,
    interfaceType: row.interface_type,
    contextLimit: row.context_limit,
    outputLimit: row.output_limit,
    thinkingEnabled: row.thinking_enabled,
    weight: row.weight,
    isDefault: row.is_default,
    fetchedAt: row.fetched_at,
  }));

/** Validates adapter input inside the transaction, so a bad entry leaves the old list intact. */
export const modelInput = z.object({
  upstreamId: z.string().min(1),
  name: z.string().min(1),
  remark: z.string().default(''),
  accessLevel: z.string().nullable().default(null),
  isFree: z.boolean().default(false),
  interfaceType: z.string(),
  contextLimit: z.number().int().nonnegative().nullable().default(null),
  outputLimit: z.number().int().nonnegative().nullable().default(null),
  thinkingEnabled: z.boolean().default(false),
  weight: z.number().int().default(0),
  isDefault: z.boolean().default(false),
});

const ORDER = 'ORDER BY account_id, weight DESC, name, upstream_id';

/** Build the models repository. */
export function createModelsRepo(db: Database, now: () => number): ModelsRepo {
  const clear = db.prepare('DELETE FROM upstream_models WHERE account_id = ?');
  const insert = db.prepare(`
    INSERT OR REPLACE INTO upstream_models (account_id, upstream_id, name, remark, access_level, is_free,
      interface_type, context_limit, output_limit, thinking_enabled, weight, is_default, fetched_at)
    VALUES (@accountId, @upstreamId, @name, @remark, @accessLevel, @isFree, @interfaceType,
      @contextLimit, @outputLimit, @thinkingEnabled, @weight, @isDefault, @fetchedAt)`);
  const byAccount = db.prepare(`SELECT * FROM upstream_models WHERE account_id = ? ${ORDER}`);
  const all = db.prepare(`SELECT * FROM upstream_models ${ORDER}`);
  const listForAccount = (accountId: number) => parseRows(modelRow, byAccount.all(accountId));

  const replace = db.transaction((accountId: number, models: readonly CachedModelInput[]) => {
    clear.run(accountId);
    const fetchedAt = now();
    for (const model of models) {
      const valid = modelInput.parse(model);
      insert.run({
        ...valid,
        accountId,
        isFree: toSqlBool(valid.isFree),
        thinkingEnabled: toSqlBool(valid.thinkingEnabled),
        isDefault: toSqlBool(valid.isDefault),
        fetchedAt,
      });
    }
    return listForAccount(accountId);
  });

  return {
    ...createModelCooldowns(db),
    replaceForAccount: (accountId, models) => replace.immediate(accountId, models),
    listForAccount,
    listAll: () => parseRows(modelRow, all.all()),
  };
}
