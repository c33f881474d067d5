import type { Command } from 'commander';
import { readPoolStatus } from '../../pool/pool-report.js';
import { formatTable, formatTime } from '../format-table.js';
import { resolveConfig, withCommonFlags, withStore, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

interface ListFlags extends CommonFlags {
  json?: boolean;
}

async function listAccounts(io: CliIo, flags: ListFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const rows = await withStore(config, async (store) => {
    const status = await readPoolStatus(store, config.pool.maxConcurrentPerAccount, Date.now());
    const byId = new Map(status.accounts.map((row) => [row.id, row]));
    return (await store.accounts.list()).map((account) => {
      const row = byId.get(account.id);
      return {
        ...account,
        status: row?.status ?? account.status,
        inFlight: row?.inFlight ?? 0,
        maxConcurrency: row?.maxConcurrency ?? account.maxConcurrency,
      };
    });
  });
  if (flags.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    io.stdout('no accounts yet: add one with `relaypool accounts add --cookie VALUE`\n');
    return;
  }
  io.stdout(
    formatTable(
      ['ID', 'LABEL', 'UPSTREAM', 'KIND', 'STATUS', 'SLOTS', 'LAST CHECKED', 'LAST ERROR'],
      rows.map((row) => [
        String(row.id),
        row.label,
        row.upstream,
        row.kind,
        row.status,
        `${row.inFlight}/${row.maxConcurrency ?? '-'}`,
        formatTime(row.lastCheckedAt),
        row.lastError ?? '',
      ]),
    ),
  );
}

/** `relaypool accounts list`. */
export function registerAccountsList(accounts: Command, io: CliIo): void {
  withCommonFlags(
    accounts
      .command('list')
      .description('list upstream accounts (never shows secrets)')
      .option('--json', 'print JSON'),
  ).action((flags: ListFlags) => listAccounts(io, flags));
}
