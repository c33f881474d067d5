import type { Command } from 'commander';
import { withCommonFlags } from '../context.js';
import { notAvailableYet } from './not-available.js';

/** `accounts import`, which comes with the account pool. */
export function registerAccountsImport(accounts: Command): void {
  withCommonFlags(
    accounts
      .command('import')
      .description('add or update many accounts from a JSONL or CSV file of cookie or email/password rows')
      .argument('<file>', 'JSONL or CSV file'),
  ).action(() => notAvailableYet('accounts import', 'the account pool'));
}
