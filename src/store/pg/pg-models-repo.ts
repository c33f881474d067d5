/** The models repository (model cache and per-model cooldowns) on PostgreSQL; see `../models-repo.ts`. */
import { cooldownRow } from '../model-cooldowns.js';
import type { Async } from '../async-store.js';
import { modelInput, modelRow, type ModelsRepo } from '../models-repo.js';
import { parseRows, toSqlBool } from '../sql-types.js';
import { sql, type PgDb } from './pg-db.js';

const ORDER = 'ORDER BY account_id, weight DESC, name, upstream_id';
const clear = sql('DELETE FROM upstream_models WHERE account_id = $1');
const insert = sql(`
  INSERT INTO upstream_models (account_id, upstream_id, name, remark, access_level, is_free,
    interface_type, context_limit, output_limit, thinking_enabled, weight, is_default, fetched_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  ON CONFLICT (account_id, upstream_id) DO UPDATE SET name = excluded.name, remark = excluded.remark,
    access_level = excluded.access_level, is_free = excluded.is_free, interface_type = excluded.interface_type,
    context_limit = excluded.context_limit, output_limit = excluded.output_limit,
    thinking_enabled = excluded.thinking_enabled, weight = excluded.weight, is_default = excluded.is_default,
    fetched_at = excluded.fetched_at, cooldown_until = NULL`);
const byAccount = sql(`SELECT * FROM upstream_models WHERE account_id = $1 ${ORDER}`);
const all = sql(`SELECT * FROM upstream_models ${ORDER}`);
const cool = sql(`
  UPDATE upstream_models SET cooldown_until = GREATEST(COALESCE(cooldown_until, 0), $3)
  WHERE account_id = $1 AND name = $2`);
const activeCooldowns = sql(`
  SELECT account_id, name, MAX(cooldown_until) AS until FROM upstream_models
  WHERE cooldown_until > $1 GROUP BY account_id, name ORDER BY account_id, name`);

/** Build the models repository on PostgreSQL. */
export function createPgModelsRepo(db: PgDb, now: () => number): Async<ModelsRepo> {
  return {
    replaceForAccount: (accountId, models) =>
      db.transaction(async (tx) => {
        const valid = models.map((model) => modelInput.parse(model));
        await tx.run(clear, [accountId]);
        const fetchedAt = now();
        for (const m of valid) {
          await tx.run(insert, [
            accountId,
            m.upstreamId,
            m.name,
            m.remark,
            m.accessLevel,
            toSqlBool(m.isFree),
            m.interfaceType,
            m.contextLimit,
            m.outputLimit,
            toSqlBool(m.thinkingEnabled),
            m.weight,
            toSqlBool(m.isDefault),
            fetchedAt,
          ]);
        }
        return parseRows(modelRow, await tx.all(byAccount, [accountId]));
      }),
    listForAccount: async (accountId) => parseRows(modelRow, await db.all(byAccount, [accountId])),
    listAll: async () => parseRows(modelRow, await db.all(all)),
    async coolModel(accountId, name, until) {
      await db.run(cool, [accountId, name, until]);
    },
    listModelCooldowns: async (at) => parseRows(cooldownRow, await db.all(activeCooldowns, [at])),
  };
}
