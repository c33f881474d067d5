/** Process heartbeats and shared slot leases on PostgreSQL; the contract is `../slot-leases-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import {
  joinWants,
  slotCountRow,
  slotLeaseRow,
  splitWants,
  wantsRow,
  type SlotLeasesRepo,
} from '../slot-leases-repo.js';
import { parseRowOrNull, parseRows } from '../sql-types.js';
import { sql, type PgDb } from './pg-db.js';

// The CTE reads the row as it was before the upsert (one snapshot per statement).
const beat = sql(`
  WITH before AS (SELECT expires_at FROM processes WHERE id = $1)
  INSERT INTO processes (id, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $2, $3)
  ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
  RETURNING COALESCE((SELECT expires_at > $2 FROM before), false) AS was_alive`);
const beatRow = z.object({ was_alive: z.boolean() }).transform((row) => row.was_alive);
// One round trip: the function (schema step 4) locks the account's slots, counts and inserts.
const take = sql('SELECT * FROM relaypool_take_slot($1, $2, $3, $4, $5, $6)');
const mark = sql('UPDATE slot_leases SET kind = $1, task_id = $2 WHERE id = $3 AND holder = $4 RETURNING *');
const release = sql('DELETE FROM slot_leases WHERE id = $1');
const counts = sql(`
  SELECT l.account_id, COUNT(*) FILTER (WHERE l.kind = 'serving') AS serving,
    COUNT(*) FILTER (WHERE l.kind = 'idle') AS idle
  FROM slot_leases l JOIN processes p ON p.id = l.holder
  GROUP BY l.account_id ORDER BY l.account_id`);
const expire = sql(`
  WITH dead AS (DELETE FROM processes WHERE expires_at <= $1 RETURNING id),
    freed AS (DELETE FROM slot_leases WHERE holder IN (SELECT id FROM dead)
      OR holder NOT IN (SELECT id FROM processes) RETURNING id),
    unlocked AS (UPDATE accounts SET login_owner = NULL, login_until = NULL
      WHERE login_owner IN (SELECT id FROM dead) RETURNING id)
  SELECT id FROM dead ORDER BY id`);
const alive = sql('SELECT id FROM processes WHERE expires_at > $1 ORDER BY started_at, id');
const leave = sql(`
  WITH gone AS (DELETE FROM processes WHERE id = $1 RETURNING id)
  DELETE FROM slot_leases WHERE holder = $1`);
const setWants = sql('UPDATE processes SET wants = $1 WHERE id = $2');
const wants = sql("SELECT wants FROM processes WHERE id <> $1 AND expires_at > $2 AND wants <> ''");
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
      return beatRow.parse(await db.get(beat, [instanceId, at, at + ttlMs]));
    },
    take: async (accountId, limit, kind, taskId = null) =>
      parseRowOrNull(slotLeaseRow, await db.get(take, [accountId, instanceId, kind, taskId, now(), limit])),
    mark: async (leaseId, kind, taskId = null) =>
      parseRowOrNull(slotLeaseRow, await db.get(mark, [kind, taskId, leaseId, instanceId])),
    release: async (leaseId) => (await db.run(release, [leaseId])) > 0,
    countByAccount: async () => new Map(parseRows(slotCountRow, await db.all(counts))),
    expireDead: async () => parseRows(idRow, await db.all(expire, [now()])),
    liveProcesses: async () => parseRows(idRow, await db.all(alive, [now()])),
    async leave() {
      await db.run(leave, [instanceId]);
    },
    async want(accountIds) {
      await db.run(setWants, [joinWants(accountIds), instanceId]);
    },
    wantedByOthers: async () => splitWants(parseRows(wantsRow, await db.all(wants, [instanceId, now()]))),
  };
}
