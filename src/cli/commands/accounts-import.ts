import type { Command } from 'commander';
import { intArg, withCommonFlags } from '../context.js';
import { notAvailableYet } from './not-available.js';

const UPSTREAM = 'the MonkeyCode upstream client';

/** Commands that talk to the upstream: `accounts refresh|import`, `models`, `discover`. */
export function registerUpstreamCommands(program: Command, accounts: Command): void {
  withCommonFlags(
    accounts
      .command('refresh')
      .description('validate stored sessions against the upstream; log in again where credentials are stored')
      .argument('[id]', 'only this account', intArg('[id]', Number.MAX_SAFE_INTEGER))
      .option('--all', 'every account (the default when no id is given)'),
  ).action(() => notAvailableYet('accounts refresh', UPSTREAM));
  withCommonFlags(
    accounts
      .command('import')
      .description('add or update many accounts from a JSONL or CSV file of cookie or email/password rows')
      .argument('<file>', 'JSONL or CSV file'),
  ).action(() => notAvailableYet('accounts import', `${UPSTREAM} and the account pool`));
  withCommonFlags(
    program
      .command('models')
      .description('list the upstream models the pool can serve')
      .option('--refresh', 're-read model lists from the upstream first')
      .option('--json', 'print JSON'),
  ).action(() => notAvailableYet('models', UPSTREAM));
  withCommonFlags(
    program
      .command('discover')
      .description('show, per account, the plan, image id, host id and models found upstream')
      .option('--json', 'print JSON'),
  ).action(() => notAvailableYet('discover', UPSTREAM));
}
