import type { Command } from 'commander';
import { readPoolStatus } from '../../pool/read-status.js';
import { formatTable } from '../format-table.js';
import { resolveConfig, withCommonFlags, withStore, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

interface StatusFlags extends CommonFlags {
  json?: boolean;
}

async function poolStatus(io: CliIo, flags: StatusFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const status = await withStore(config, (store) => readPoolStatus(store, config.pool.maxConcurrentPerAccount, Date.now()));
  if (flags.json) {
    io.stdout(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  const { accounts, ...counts } = status;
  io.stdout(formatTable(Object.keys(counts).map((key) => key.toUpperCase()), [Object.values(counts).map(String)]));
  if (accounts.length > 0) {
    io.stdout('\n');
    io.stdout(
      formatTable(
        ['ID', 'LABEL', 'STATUS', 'SLOTS', 'COOLING UNTIL'],
        accounts.map((row) => [
          String(row.id),
          row.label,
          row.status,
          `${row.inFlight}/${row.maxConcurrency}`,
          row.status === 'cooling' && row.cooldownUntil !== null ? new Date(row.cooldownUntil).toISOString() : '',
        ]),
      ),
    );
  }
}

/** `relaypool pool status`. */
export function registerPool(program: Command, io: CliIo): void {
  const pool = program.command('pool').description('inspect the account pool');
  withCommonFlags(pool.command('status').description('account counts by state, and per-account slots').option('--json', 'print JSON'))
    .action((flags: StatusFlags) => poolStatus(io, flags));
}
