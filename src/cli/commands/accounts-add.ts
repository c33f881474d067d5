import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { AccountCheck, AccountService } from '../../pool/account-service.js';
import { intArg, resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import { UsageError, type CliIo } from '../io.js';

interface AddFlags extends CommonFlags {
  cookie?: string;
  token?: string;
  upstream?: string;
  email?: string;
  password?: string;
  label?: string;
  maxConcurrency?: number;
}

function checkFlags(flags: AddFlags): 'cookie' | 'token' | 'password' {
  const hasLogin = flags.email !== undefined || flags.password !== undefined;
  const given = [flags.cookie !== undefined, flags.token !== undefined, hasLogin].filter(Boolean).length;
  if (given > 1) throw new UsageError('give one of --cookie, --token or --email/--password');
  if (flags.cookie !== undefined) return 'cookie';
  if (flags.token !== undefined) {
    if (flags.upstream === undefined)
      throw new UsageError('--token needs --upstream NAME (a bearer-token upstream)');
    return 'token';
  }
  if (flags.email === undefined || flags.password === undefined) {
    throw new UsageError(
      'accounts add needs --cookie VALUE, --upstream NAME --token T, or --email E together with --password P',
    );
  }
  return 'password';
}

function describeCheck(check: AccountCheck): string {
  const { account, discovery } = check;
  const plan = discovery.plan ?? 'unknown';
  return `added account ${account.id} (${account.label}): active, plan ${plan}, ${discovery.allowedModels.length} usable models, upstream ${account.upstream}\n`;
}

/** The session value in `--cookie` (a one-line user error when there is none). */
function pastedCookie(accounts: Pick<AccountService, 'parseSessionInput'>, input: string): string {
  try {
    return accounts.parseSessionInput(input);
  } catch (err) {
    throw new UserError(`--cookie: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function addAccount(io: CliIo, flags: AddFlags): Promise<void> {
  const kind = checkFlags(flags);
  if (kind !== 'cookie') {
    io.stderr(`warning: a ${kind} given on the command line can end up in shell history and process lists\n`);
  }
  const options = { label: flags.label, maxConcurrency: flags.maxConcurrency, upstream: flags.upstream };
  const config = resolveConfig(io, flags);
  const check = await withServices(config, (services) =>
    kind === 'cookie'
      ? services.accounts.addCookie(pastedCookie(services.accounts, flags.cookie ?? ''), options)
      : kind === 'token'
        ? services.accounts.addToken(flags.token ?? '', options)
        : services.accounts.addPassword(flags.email ?? '', flags.password ?? '', options),
  );
  io.stdout(describeCheck(check));
}

/** `relaypool accounts add`. */
export function registerAccountsAdd(accounts: Command, io: CliIo): void {
  withCommonFlags(
    accounts
      .command('add')
      .description('add an upstream account from a session cookie or an email and password')
      .option(
        '--cookie <value>',
        'session cookie: the bare value, monkeycode_ai_session=VALUE, or a Cookie:/Set-Cookie: line',
      )
      .option('--upstream <name>', 'the upstream the account belongs to (default: monkeycode, upstream.url)')
      .option(
        '--token <token>',
        'access token of a bearer-token upstream (with --upstream; stored encrypted)',
      )
      .option(
        '--email <email>',
        'login email (or user name, on platforms that log in by name) of a password account',
      )
      .option('--password <password>', 'password of a password account (stored encrypted)')
      .option('--label <label>', 'a name for the account (default: the email, or account-<id>)')
      .option(
        '--max-concurrency <n>',
        'concurrent requests on this account (default: pool.maxConcurrentPerAccount)',
        intArg('--max-concurrency', 64),
      ),
  ).action((flags: AddFlags) => addAccount(io, flags));
}
