/** Per-account, per-model cooldowns kept in `upstream_models.cooldown_until` (schema version 2). */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { parseRows, sqlInt } from './sql-types.js';

/** One model resting on one account until `until` (ms). */
export interface ModelCooldown {
  accountId: number;
  /** Upstream model name, e.g. `monkeycode-pro/glm-5`. */
  name: string;
  until: number;
}

/** Cooldown operations of the models repository. */
export interface ModelCooldowns {
  /** Rest model `name` on `accountId` until `until` (never shortens a longer rest). */
  coolModel(accountId: number, name: string, until: number): void;
  /** Every model rest that has not ended at `now`, by account then name. */
  listModelCooldowns(now: number): ModelCooldown[];
}

export const cooldownRow = z
  .object({ account_id: sqlInt, name: z.string(), until: sqlInt })
  .transform((row): ModelCooldown => ({ accountId: row.account_id, name: row.name, until: row.until }));

/** Prepare the cooldown statements on `db`. */
export function createModelCooldowns(db: Database): ModelCooldowns {
  const cool = db.prepare(`
    UPDATE upstream_models SET cooldown_until = MAX(COALESCE(cooldown_until, 0), @until)
    WHERE account_id = @accountId AND name = @name`);
  const active = db.prepare(`
    SELECT account_id, name, MAX(cooldown_until) AS until FROM upstream_models
    WHERE cooldown_until > ? GROUP BY account_id, name ORDER BY account_id, name`);
  return {
    coolModel(accountId, name, until) {
      cool.run({ accountId, name, until });
    },
    listModelCooldowns: (now) => parseRows(cooldownRow, active.all(now)),
  };
}
