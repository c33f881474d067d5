/**
 * Shared slots: the process registry (heartbeats) and the slot leases of accounts. An account's
 * concurrency limit holds across every process on the database because a slot is a row, taken
 * only while fewer than `limit` leases exist. A process whose heartbeat ran out is dead: a survivor
 * takes over its tasks (stopping them, which holds their slots until done) and then expires it,
 * which deletes its leases. Its leases count until then, so no other process starts a task on an
 * account where the dead one's task may still run.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { parseRowOrNull, parseRows, sqlInt, sqlIntOrNull } from './sql-types.js';

/** Why a slot is held: serving a request, or kept by an idle conversation task. */
export type SlotKind = 'serving' | 'idle';

/** One occupied slot. */
export interface SlotLease {
  id: number;
  accountId: number;
  /** Instance id of the holding process. */
  holder: string;
  kind: SlotKind;
  taskId: number | null;
  acquiredAt: number;
}

/** Live leases of one account. */
export interface SlotCounts {
  serving: number;
  idle: number;
}

/** Process heartbeats and slot leases, for the process identified by the store's instance id. */
export interface SlotLeasesRepo {
  /**
   * Register or renew this process: alive until now + `ttlMs`; it may take slots only while alive.
   * False when it was not alive before (first beat, or its heartbeat had run out: others may have
   * dropped its leases and taken over its tasks).
   */
  heartbeat(ttlMs: number): boolean;
  /**
   * Take a slot of `accountId` if fewer than `limit` leases exist; atomic across processes.
   * Null too when this process's heartbeat has run out (its lease would not count for others).
   */
  take(accountId: number, limit: number, kind: SlotKind, taskId?: number | null): SlotLease | null;
  /** Change what one of this process's leases holds the slot for; null when it is gone. */
  mark(leaseId: number, kind: SlotKind, taskId?: number | null): SlotLease | null;
  /** Free a slot; false when it was already gone. */
  release(leaseId: number): boolean;
  /** Leases per account, over every process not yet expired. */
  countByAccount(): Map<number, SlotCounts>;
  /**
   * Delete the leases and rows of processes whose heartbeat ran out, and free the login locks they
   * held (one killed mid-login would otherwise keep its account from logging in until the lock's
   * TTL); returns their ids.
   */
  expireDead(): string[];
  /** Ids of the processes alive now, oldest first. */
  liveProcesses(): string[];
  /** Leave cleanly: free every slot of this process and delete its row. */
  leave(): void;
  /**
   * Say on which accounts this process has requests waiting that only other processes' idle tasks
   * keep from running (replaces what it said before; empty: none).
   */
  want(accountIds: readonly number[]): void;
  /** Accounts other live processes want a slot on (see `want`), ascending. */
  wantedByOthers(): number[];
  /** Ask the processes holding these idle tasks (task row ids) to hand them over (replaces the list). */
  requestHandoffs(taskIds: readonly number[]): void;
  /** Idle tasks other live processes asked for, with who asked. */
  handoffsRequested(): Array<{ taskId: number; to: string }>;
  /**
   * Hand the idle task `taskId` and the lease `leaseId` that holds its slot to process `to`, in one
   * transaction; false (nothing changed) when the task is no longer this process's idle task or
   * `to` no longer asks for it (it gave up waiting).
   */
  handOver(taskId: number, leaseId: number, to: string): boolean;
  /** The lease of this process that holds task `taskId`'s slot (one handed over), or null. */
  leaseOfTask(taskId: number): number | null;
}

/** Parses one `slot_leases` row. */
export const slotLeaseRow = z
  .object({
    id: sqlInt,
    account_id: sqlInt,
    holder: z.string(),
    kind: z.enum(['serving', 'idle']),
    task_id: sqlIntOrNull,
    acquired_at: sqlInt,
  })
  .transform((row): SlotLease => ({
    id: row.id,
    accountId: row.account_id,
    holder: row.holder,
    kind: row.kind,
    taskId: row.task_id,
    acquiredAt: row.acquired_at,
  }));

/** Parses a per-account count row into map entries. */
export const slotCountRow = z
  .object({ account_id: sqlInt, serving: sqlInt, idle: sqlInt })
  .transform((row) => [row.account_id, { serving: row.serving, idle: row.idle }] as const);

const idRow = z.object({ id: z.string() }).transform((row) => row.id);

/** Parses one `processes.wants` value. */
export const wantsRow = z.object({ wants: z.string() }).transform((row) => row.wants);

/** `processes.wants` of a list of account ids. */
export function joinWants(accountIds: readonly number[]): string {
  return [...new Set(accountIds)].sort((a, b) => a - b).join(',');
}

/** Parses one `processes` row's handoff requests. */
export const handoffRow = z.object({ id: z.string(), handoffs: z.string() });

/** Parses the id of a lease. */
export const leaseIdRow = z.object({ id: sqlInt }).transform((row) => row.id);

/** The task ids each process asked for (`processes.handoffs`), as (task, requester) pairs. */
export function splitHandoffs(
  rows: ReadonlyArray<z.infer<typeof handoffRow>>,
): Array<{ taskId: number; to: string }> {
  return rows.flatMap((row) => splitWants([row.handoffs]).map((taskId) => ({ taskId, to: row.id })));
}

/** The account ids in several `processes.wants` values, once each, ascending. */
export function splitWants(values: readonly string[]): number[] {
  const ids = new Set(values.flatMap((value) => value.split(',').filter(Boolean).map(Number)));
  return [...ids].sort((a, b) => a - b);
}

/** Build the SQLite repository; `instanceId` is the holder of every lease it takes. */
export function createSlotLeasesRepo(db: Database, instanceId: string, now: () => number): SlotLeasesRepo {
  const beat = db.prepare(`
    INSERT INTO processes (id, started_at, heartbeat_at, expires_at) VALUES (@id, @now, @now, @until)
    ON CONFLICT (id) DO UPDATE SET heartbeat_at = @now, expires_at = @until`);
  const held = db.prepare(`
    SELECT COUNT(*) FROM slot_leases l JOIN processes p ON p.id = l.holder WHERE l.account_id = ?`);
  const self = db.prepare('SELECT 1 FROM processes WHERE id = ? AND expires_at > ?');
  const insert = db.prepare(`
    INSERT INTO slot_leases (account_id, holder, kind, task_id, acquired_at) VALUES (?, ?, ?, ?, ?) RETURNING *`);
  const mark = db.prepare(
    'UPDATE slot_leases SET kind = ?, task_id = ? WHERE id = ? AND holder = ? RETURNING *',
  );
  const release = db.prepare('DELETE FROM slot_leases WHERE id = ?');
  const counts = db.prepare(`
    SELECT l.account_id, SUM(l.kind = 'serving') AS serving, SUM(l.kind = 'idle') AS idle
    FROM slot_leases l JOIN processes p ON p.id = l.holder
    GROUP BY l.account_id ORDER BY l.account_id`);
  const dead = db.prepare('SELECT id FROM processes WHERE expires_at <= ? ORDER BY id');
  const dropLeases = db.prepare('DELETE FROM slot_leases WHERE holder = ?');
  const dropProcess = db.prepare('DELETE FROM processes WHERE id = ?');
  const unlockLogins = db.prepare(
    'UPDATE accounts SET login_owner = NULL, login_until = NULL WHERE login_owner = ?',
  );
  const orphanLeases = db.prepare('DELETE FROM slot_leases WHERE holder NOT IN (SELECT id FROM processes)');
  const alive = db.prepare('SELECT id FROM processes WHERE expires_at > ? ORDER BY started_at, id');
  const setWants = db.prepare('UPDATE processes SET wants = ? WHERE id = ?');
  const setHandoffs = db.prepare('UPDATE processes SET handoffs = ? WHERE id = ?');
  const handoffs = db.prepare(
    "SELECT id, handoffs FROM processes WHERE id <> ? AND expires_at > ? AND handoffs <> ''",
  );
  const moveTask = db.prepare(`
    UPDATE tasks SET owner_instance_id = @to, updated_at = @now
    WHERE id = @task AND owner_instance_id = @self AND state = 'idle'
      AND EXISTS (SELECT 1 FROM processes
                  WHERE id = @to AND instr(',' || handoffs || ',', ',' || CAST(@task AS INTEGER) || ',') > 0)`);
  const moveLease = db.prepare(
    'UPDATE slot_leases SET holder = @to, task_id = @task WHERE id = @lease AND holder = @self',
  );
  const leaseOfTask = db.prepare('SELECT id FROM slot_leases WHERE holder = ? AND task_id = ? LIMIT 1');
  const wants = db.prepare("SELECT wants FROM processes WHERE id <> ? AND expires_at > ? AND wants <> ''");

  const takeTx = db.transaction((accountId: number, limit: number, kind: SlotKind, taskId: number | null) => {
    const at = now();
    if (self.get(instanceId, at) === undefined) return null;
    if (sqlInt.parse(held.pluck().get(accountId)) >= limit) return null;
    return slotLeaseRow.parse(insert.get(accountId, instanceId, kind, taskId, at));
  });
  const beatTx = db.transaction((ttlMs: number) => {
    const at = now();
    const wasAlive = self.get(instanceId, at) !== undefined;
    beat.run({ id: instanceId, now: at, until: at + ttlMs });
    return wasAlive;
  });
  const expireTx = db.transaction(() => {
    const ids = parseRows(idRow, dead.all(now()));
    for (const id of ids) {
      dropLeases.run(id);
      dropProcess.run(id);
      unlockLogins.run(id);
    }
    orphanLeases.run();
    return ids;
  });
  const handOverTx = db.transaction((task: number, lease: number, to: string) => {
    const names = { task, lease, to, self: instanceId, now: now() };
    if (moveTask.run(names).changes === 0) return false;
    moveLease.run(names);
    return true;
  });
  const leaveTx = db.transaction(() => {
    dropLeases.run(instanceId);
    dropProcess.run(instanceId);
  });

  return {
    heartbeat: (ttlMs) => beatTx.immediate(ttlMs),
    take: (accountId, limit, kind, taskId = null) => takeTx.immediate(accountId, limit, kind, taskId),
    mark: (leaseId, kind, taskId = null) =>
      parseRowOrNull(slotLeaseRow, mark.get(kind, taskId, leaseId, instanceId)),
    release: (leaseId) => release.run(leaseId).changes > 0,
    countByAccount: () => new Map(parseRows(slotCountRow, counts.all())),
    expireDead: () => expireTx.immediate(),
    liveProcesses: () => parseRows(idRow, alive.all(now())),
    leave: () => leaveTx.immediate(),
    want(accountIds) {
      setWants.run(joinWants(accountIds), instanceId);
    },
    wantedByOthers: () => splitWants(parseRows(wantsRow, wants.all(instanceId, now()))),
    requestHandoffs(taskIds) {
      setHandoffs.run(joinWants(taskIds), instanceId);
    },
    handoffsRequested: () => splitHandoffs(parseRows(handoffRow, handoffs.all(instanceId, now()))),
    handOver: (taskId, leaseId, to) => handOverTx.immediate(taskId, leaseId, to),
    leaseOfTask: (taskId) => parseRowOrNull(leaseIdRow, leaseOfTask.get(instanceId, taskId)),
  };
}
