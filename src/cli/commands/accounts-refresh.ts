import type { Command } from 'commander';
import type { Services } from '../../server/services.js';
import { UserError } from '../../util/errors.js';
import { intArg, resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';
import { refreshAccountList, refreshableIds } from '../../pool/account-operations.js';

interface RefreshFlags extends CommonFlags {
  all?: boolean;
}

/** Refresh the given accounts one by one; one line each. Resolves to how many failed. */
export async function refreshAccounts(
  services: Services,
  ids: readonly number[],
  say: (line: string) => void,
): Promise<number> {
  const results = await refreshAccountList(services.accounts, services.store, ids);
  for (const r of results) {
    const how = r.reloggedIn ? 'logged in again' : 'session valid';
    say(
      r.ok
        ? `account ${r.id} (${r.label}): ${how}, plan ${r.plan ?? 'unknown'}, ${r.models} usable models`
        : `account ${r.id}: failed: ${r.error ?? 'unknown error'}`,
    );
  }
  return results.filter((r) => !r.ok).length;
}

async function refresh(io: CliIo, id: number | undefined, flags: RefreshFlags): Promise<void> {
  if (id !== undefined && flags.all) throw new UserError('give an account id or --all, not both');
  const config = resolveConfig(io, flags);
  const failed = await withServices(config, async (services) => {
    const ids = id !== undefined ? [id] : await refreshableIds(services.store);
    if (ids.length === 0) {
      io.stdout('no enabled accounts to refresh\n');
      return 0;
    }
    return refreshAccounts(services, ids, (line) => io.stdout(`${line}\n`));
  });
  if (failed > 0) throw new UserError(`${failed} account${failed === 1 ? '' : 's'} could not be refreshed`);
}

/** `relaypool accounts refresh [<id> | --all]`. */
export function registerAccountsRefresh(accounts: Command, io: CliIo): void {
  withCommonFlags(
    accounts
      .command('refresh')
      .description('validate stored sessions against the upstream; log in again where credentials are stored')
      .argument('[id]', 'only this account', intArg('[id]', Number.MAX_SAFE_INTEGER))
      .option('--all', 'every enabled account (the default when no id is given)'),
  ).action((id: number | undefined, flags: RefreshFlags) => refresh(io, id, flags));
}
