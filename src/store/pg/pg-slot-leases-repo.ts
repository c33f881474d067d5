/** Process heartbeats and shared slot leases on PostgreSQL; the contract is `../slot-leases-repo.ts`. */
import { z } from 'zod';
import type { Async } from '../async-store.js';
import {
  handoffRow,
  joinWants,
  leaseIdRow,
  slotCountRow,
  slotLeaseRow,
  splitHandoffs,
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
const setHandoffs = sql('UPDATE processes SET handoffs = $1 WHERE id = $2');
const handoffs = sql(
  "SELECT id, handoffs FROM processes WHERE id <> $1 AND expires_at > $2 AND handoffs <> ''",
);
// One statement: the lease moves only when the task did (a CTE sees the task's update result).
const handOver = sql(`
  WITH moved AS (
    UPDATE tasks SET owner_instance_id = $3, updated_at = $5
    WHERE id = $1 AND owner_instance_id = $4 AND state = 'idle'
      AND EXISTS (SELECT 1 FROM processes
                  WHERE id = $3 AND position(',' || $1::text || ',' in ',' || handoffs || ',') > 0)
    RETURNING id),
  lease AS (
    UPDATE slot_leases SET holder = $3, task_id = $1
    WHERE id = $2 AND holder = $4 AND EXISTS (SELECT 1 FROM moved) RETURNING id)
  SELECT (SELECT COUNT(*) FROM moved) AS moved`);
const movedRow = z.object({ moved: z.coerce.number() }).transform((row) => row.moved > 0);
const leaseOfTask = sql('SELECT id FROM slot_leases WHERE holder = $1 AND task_id = $2 LIMIT 1');
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
    async requestHandoffs(taskIds) {
      await db.run(setHandoffs, [joinWants(taskIds), instanceId]);
    },
    handoffsRequested: async () =>
      splitHandoffs(parseRows(handoffRow, await db.all(handoffs, [instanceId, now()]))),
    handOver: async (taskId, leaseId, to) =>
      movedRow.parse(await db.get(handOver, [taskId, leaseId, to, instanceId, now()])),
    leaseOfTask: async (taskId) =>
      parseRowOrNull(leaseIdRow, await db.get(leaseOfTask, [instanceId, taskId])),
  };
}
