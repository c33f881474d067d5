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
  passwordStdin?: boolean;
  label?: string;
  maxConcurrency?: number;
}

function checkFlags(flags: AddFlags): 'cookie' | 'token' | 'password' {
  const hasLogin = flags.email !== undefined || flags.password !== undefined || flags.passwordStdin === true;
  const given = [flags.cookie !== undefined, flags.token !== undefined, hasLogin].filter(Boolean).length;
  if (given > 1) throw new UsageError('give one of --cookie, --token or --email with a password');
  if (flags.cookie !== undefined) return 'cookie';
  if (flags.token !== undefined) {
    if (flags.upstream === undefined)
      throw new UsageError('--token needs --upstream NAME (a bearer-token upstream)');
    return 'token';
  }
  if (flags.password !== undefined && flags.passwordStdin === true)
    throw new UsageError('give either --password or --password-stdin, not both');
  if (flags.email === undefined) {
    throw new UsageError(
      'accounts add needs --cookie VALUE, --upstream NAME --token T, or --email E with --password-stdin (or a prompt on a terminal)',
    );
  }
  return 'password';
}

/** The password: from stdin, from a hidden prompt on a terminal, or (with a warning) from argv. */
async function readPassword(io: CliIo, flags: AddFlags): Promise<string> {
  let password: string;
  if (flags.passwordStdin === true) {
    if (io.readStdin === undefined) throw new UsageError('--password-stdin: stdin cannot be read here');
    // One trailing newline (and a CR before it) is not part of it, as with `docker login --password-stdin`.
    password = (await io.readStdin()).replace(/\r?\n$/, '');
  } else if (flags.password !== undefined) {
    io.stderr(
      'warning: --password leaves the password in shell history and process lists; use --password-stdin or the prompt\n',
    );
    password = flags.password;
  } else if (io.promptSecret !== undefined) {
    password = await io.promptSecret(`Password for ${flags.email ?? ''}: `);
  } else {
    throw new UsageError(
      'accounts add --email needs the password: pipe it with --password-stdin (no terminal to prompt on)',
    );
  }
  if (password === '') throw new UserError('the password is empty; nothing was stored');
  return password;
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
  if (kind === 'token') {
    io.stderr('warning: a token given on the command line can end up in shell history and process lists\n');
  }
  const options = { label: flags.label, maxConcurrency: flags.maxConcurrency, upstream: flags.upstream };
  const password = kind === 'password' ? await readPassword(io, flags) : '';
  const config = resolveConfig(io, flags);
  const check = await withServices(config, (services) =>
    kind === 'cookie'
      ? services.accounts.addCookie(pastedCookie(services.accounts, flags.cookie ?? ''), options)
      : kind === 'token'
        ? services.accounts.addToken(flags.token ?? '', options)
        : services.accounts.addPassword(flags.email ?? '', password, options),
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
      .option(
        '--password <password>',
        'password (stored encrypted); visible in shell history and ps: prefer --password-stdin',
      )
      .option(
        '--password-stdin',
        'read the password from stdin (without --password on a terminal: a hidden prompt)',
      )
      .option('--label <label>', 'a name for the account (default: the email, or account-<id>)')
      .option(
        '--max-concurrency <n>',
        'concurrent requests on this account (default: pool.maxConcurrentPerAccount)',
        intArg('--max-concurrency', 64),
      ),
  ).action((flags: AddFlags) => addAccount(io, flags));
}
