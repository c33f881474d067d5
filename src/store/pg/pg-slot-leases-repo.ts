/** Process heartbeats and shared slot leases on PostgreSQL; the contract is `../slot-leases-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import { slotCountRow, slotLeaseRow, type SlotLeasesRepo } from '../slot-leases-repo.js';
import { parseRowOrNull, parseRows } from '../sql-types.js';
import { sql, type PgDb } from './pg-db.js';

const beat = sql(`
  INSERT INTO processes (id, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $2, $3)
  ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`);
// One round trip: the function (schema step 4) locks the account's slots, counts and inserts.
const take = sql('SELECT * FROM relaypool_take_slot($1, $2, $3, $4, $5, $6)');
const mark = sql('UPDATE slot_leases SET kind = $1, task_id = $2 WHERE id = $3 AND holder = $4 RETURNING *');
const release = sql('DELETE FROM slot_leases WHERE id = $1');
const counts = sql(`
  SELECT l.account_id, COUNT(*) FILTER (WHERE l.kind = 'serving') AS serving,
    COUNT(*) FILTER (WHERE l.kind = 'idle') AS idle
  FROM slot_leases l JOIN processes p ON p.id = l.holder WHERE p.expires_at > $1
  GROUP BY l.account_id ORDER BY l.account_id`);
const expire = sql(`
  WITH dead AS (DELETE FROM processes WHERE expires_at <= $1 RETURNING id),
    freed AS (DELETE FROM slot_leases WHERE holder IN (SELECT id FROM dead)
      OR holder NOT IN (SELECT id FROM processes) RETURNING id)
  SELECT id FROM dead ORDER BY id`);
const alive = sql('SELECT id FROM processes WHERE expires_at > $1 ORDER BY started_at, id');
const leave = sql(`
  WITH gone AS (DELETE FROM processes WHERE id = $1 RETURNING id)
  DELETE FROM slot_leases WHERE holder = $1`);
const idRow = z.object({ id: z.string() }).transform((row) => row.id);

/** Build the PostgreSQL repository; `instanceId` is the holder of every lease it takes. */
export function createPgSlotLeasesRepo(
  db: PgDb,
  instanceId: string,
  now: () => number,
): Async<SlotLeasesRepo> {
  return {
    async heartbeat(ttlMs) {
      const at = now();
      await db.run(beat, [instanceId, at, at + ttlMs]);
    },
    take: async (accountId, limit, kind, taskId = null) =>
      parseRowOrNull(slotLeaseRow, await db.get(take, [accountId, instanceId, kind, taskId, now(), limit])),
    mark: async (leaseId, kind, taskId = null) =>
      parseRowOrNull(slotLeaseRow, await db.get(mark, [kind, taskId, leaseId, instanceId])),
    release: async (leaseId) => (await db.run(release, [leaseId])) > 0,
    countByAccount: async () => new Map(parseRows(slotCountRow, await db.all(counts, [now()]))),
    expireDead: async () => parseRows(idRow, await db.all(expire, [now()])),
    liveProcesses: async () => parseRows(idRow, await db.all(alive, [now()])),
    async leave() {
      await db.run(leave, [instanceId]);
    },
  };
}
