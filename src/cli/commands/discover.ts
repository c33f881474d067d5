import type { Command } from 'commander';
import { formatTable } from '../format-table.js';
import { resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';
import { discoverAccounts } from '../../pool/account-operations.js';

interface DiscoverFlags extends CommonFlags {
  json?: boolean;
}

async function discover(io: CliIo, flags: DiscoverFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const rows = await withServices(config, (services) => discoverAccounts(services.store, services.adapter));
  if (flags.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    io.stdout('no accounts yet\n');
    return;
  }
  io.stdout(
    formatTable(
      ['ID', 'LABEL', 'PLAN', 'IMAGE ID', 'HOST ID', 'MODELS (allowed/all)', 'ERROR'],
      rows.map((r) => [
        String(r.id),
        r.label,
        r.plan ?? '-',
        r.imageId ?? '-',
        r.hostId ?? '-',
        `${r.models.filter((m) => m.allowed).length}/${r.models.length}`,
        r.error ?? '',
      ]),
    ),
  );
}

/** `relaypool discover`. */
export function registerDiscover(program: Command, io: CliIo): void {
  withCommonFlags(
    program
      .command('discover')
      .description('show, per account, the plan, image id, host id and models found upstream')
      .option('--json', 'print JSON'),
  ).action((flags: DiscoverFlags) => discover(io, flags));
}
