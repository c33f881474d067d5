import type { Command } from 'commander';
import { formatTable } from '../format-table.js';
import { resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';
import { refreshAccounts } from './accounts-refresh.js';
import { refreshableIds } from '../../pool/account-operations.js';

interface ModelsFlags extends CommonFlags {
  refresh?: boolean;
  json?: boolean;
}

async function listModels(io: CliIo, flags: ModelsFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const rows = await withServices(config, async (services) => {
    if (flags.refresh) {
      const ids = await refreshableIds(services.store, { skipInvalid: true });
      await refreshAccounts(services, ids, (line) => io.stderr(`${line}\n`));
    }
    const perAccount = await services.store.models.listAll();
    return services.catalog.list().map((entry) => ({
      id: entry.id,
      upstream: entry.upstreamName,
      ownedBy: entry.ownedBy,
      accounts: new Set(perAccount.filter((m) => m.name === entry.upstreamName).map((m) => m.accountId)).size,
    }));
  });
  if (flags.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    io.stdout('no models known yet: add an account, or run `relaypool models --refresh`\n');
    return;
  }
  io.stdout(
    formatTable(
      ['MODEL', 'UPSTREAM MODEL', 'OWNED BY', 'ACCOUNTS'],
      rows.map((r) => [r.id, r.upstream, r.ownedBy, String(r.accounts)]),
    ),
  );
}

/** `relaypool models`. */
export function registerModels(program: Command, io: CliIo): void {
  withCommonFlags(
    program
      .command('models')
      .description('list the models the pool can serve (from the cache; --refresh re-reads them upstream)')
      .option('--refresh', 're-read model lists from the upstream first')
      .option('--json', 'print JSON'),
  ).action((flags: ModelsFlags) => listModels(io, flags));
}
