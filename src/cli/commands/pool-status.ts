import type { Command } from 'commander';
import { readPoolStatus, type PoolReport } from '../../pool/pool-report.js';
import { formatTable, formatTime } from '../format-table.js';
import { resolveConfig, withCommonFlags, withStore, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

interface StatusFlags extends CommonFlags {
  json?: boolean;
}

/** `12 s`, `4 min`, `2 h` from now; `-` when not in the future. */
function untilText(at: number | null, now: number): string {
  if (at === null || at <= now) return '-';
  const s = Math.ceil((at - now) / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.ceil(s / 60)} min` : `${Math.ceil(s / 3600)} h`;
}

/** The report as two tables: the counts, then one row per account (the same fields as `/admin/pool/status`). */
export function renderPoolReport(report: PoolReport, now: number): string {
  const { accounts, upstreams, ...all } = report;
  // Read from the database, `inFlight` already counts every process: no slots are "elsewhere".
  const counts = Object.entries(all).filter(([key]) => key !== 'elsewhere');
  const values = counts.map(([, value]) => (value === null ? '-' : String(value)));
  let out = formatTable(
    counts.map(([key]) => (key === 'idleTasks' ? 'IDLE' : key.toUpperCase())),
    [values],
  );
  const groups = Object.entries(upstreams);
  if (groups.length > 1) {
    out += '\n';
    out += formatTable(
      ['UPSTREAM', 'TOTAL', 'ACTIVE', 'EXPIRED', 'INVALID', 'LOCKED', 'COOLING', 'DISABLED', 'IN FLIGHT'],
      groups.map(([name, c]) =>
        [name, c.total, c.active, c.expired, c.invalid, c.locked, c.cooling, c.disabled, c.inFlight].map(
          String,
        ),
      ),
    );
  }
  if (accounts.length === 0) return out;
  out += '\n';
  out += formatTable(
    ['ID', 'LABEL', 'STATUS', 'SLOTS', 'IDLE', 'COOLING FOR', 'RESTING MODELS', 'SESSION ENDS', 'LAST ERROR'],
    accounts.map((row) => [
      String(row.id),
      row.label,
      row.status,
      `${row.inFlight}/${row.maxConcurrency}`,
      String(row.idleTasks),
      row.status === 'cooling' ? untilText(row.cooldownUntil, now) : '-',
      row.modelCooldowns.map((rest) => `${rest.model} (${untilText(rest.until, now)})`).join(', ') || '-',
      formatTime(row.cookieExpiresAt),
      row.lastError ?? '',
    ]),
  );
  return out;
}

async function poolStatus(io: CliIo, flags: StatusFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const now = Date.now();
  const report = await withStore(config, (store) =>
    readPoolStatus(store, config.pool.maxConcurrentPerAccount, now),
  );
  io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderPoolReport(report, now));
}

/** `relaypool pool status`. */
export function registerPool(program: Command, io: CliIo): void {
  const pool = program.command('pool').description('inspect the account pool');
  withCommonFlags(
    pool
      .command('status')
      .description('account counts by state, and per-account slots, cooldowns and errors')
      .option('--json', 'print JSON'),
  ).action((flags: StatusFlags) => poolStatus(io, flags));
}
