import type { Command } from 'commander';
import { NotFoundError, UserError } from '../../util/errors.js';
import { intArg, resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

type Action = 'remove' | 'enable' | 'disable';

const DESCRIPTIONS: Record<Action, string> = {
  remove: 'remove an account and its cached models (usage rows are kept)',
  enable: 'let the pool use an account again',
  disable: 'keep an account but stop routing requests to it',
};

async function manage(io: CliIo, action: Action, id: number, flags: CommonFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const label = await withServices(config, async (services) => {
    try {
      const account =
        action === 'remove'
          ? await services.accounts.remove(id)
          : await services.accounts.configure(id, { enabled: action === 'enable' });
      return account.label;
    } catch (err) {
      if (err instanceof NotFoundError) throw new UserError(`no account with id ${id}`);
      throw err;
    }
  });
  const done = { remove: 'removed', enable: 'enabled', disable: 'disabled' }[action];
  io.stdout(`${done} account ${id} (${label})\n`);
}

/** `relaypool accounts remove|enable|disable <id>`. */
export function registerAccountsManage(accounts: Command, io: CliIo): void {
  for (const action of ['remove', 'enable', 'disable'] as const) {
    withCommonFlags(
      accounts
        .command(action)
        .description(DESCRIPTIONS[action])
        .argument('<id>', 'account id (see `accounts list`)', intArg('<id>', Number.MAX_SAFE_INTEGER)),
    ).action((id: number, flags: CommonFlags) => manage(io, action, id, flags));
  }
}
