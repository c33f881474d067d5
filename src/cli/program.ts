import { Command, CommanderError } from 'commander';
import { RelayError, UserError } from '../util/errors.js';
import { readVersion } from '../server/version.js';
import { registerAccountsAdd } from './commands/accounts-add.js';
import { registerAccountsList } from './commands/accounts-list.js';
import { registerAccountsManage } from './commands/accounts-manage.js';
import { registerPool } from './commands/pool-status.js';
import { registerServe } from './commands/serve.js';
import { registerAccountsRefresh } from './commands/accounts-refresh.js';
import { registerDiscover } from './commands/discover.js';
import { registerModels } from './commands/models.js';
import { registerAccountsImport } from './commands/accounts-import.js';
import { UsageError, type CliIo } from './io.js';

/** Build the full command tree of docs/architecture.md §1. */
export function createProgram(io: CliIo): Command {
  const program = new Command('relaypool')
    .description('Account-pool, OpenAI-compatible reverse proxy for AI coding-agent platforms')
    .version(readVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');
  registerServe(program, io);
  const accounts = program.command('accounts').description('manage upstream accounts');
  registerAccountsAdd(accounts, io);
  registerAccountsList(accounts, io);
  registerAccountsManage(accounts, io);
  registerAccountsRefresh(accounts, io);
  registerAccountsImport(accounts, io);
  registerModels(program, io);
  registerDiscover(program, io);
  registerPool(program, io);
  return program;
}

const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Run the CLI; resolves to the exit code (0 ok, 1 user error, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return CLEAN_EXITS.has(err.code) ? 0 : 2;
    if (err instanceof UsageError) {
      io.stderr(`relaypool: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UserError || (err instanceof RelayError && err.status < 500)) {
      io.stderr(`relaypool: ${err.message.replace(/\n/g, '\n  ')}\n`);
      return 1;
    }
    io.stderr(`relaypool: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
