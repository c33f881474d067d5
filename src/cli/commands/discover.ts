import type { Command } from 'commander';
import { formatTable } from '../format-table.js';
import { resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

interface DiscoverFlags extends CommonFlags {
  json?: boolean;
}

interface DiscoverRow {
  id: number;
  label: string;
  plan: string | null;
  imageId: string | null;
  hostId: string | null;
  models: Array<{ name: string; accessLevel: string | null; allowed: boolean }>;
  error: string | null;
}

async function discover(io: CliIo, flags: DiscoverFlags): Promise<void> {
  const config = resolveConfig(io, flags);
  const rows = await withServices(config, async (services): Promise<DiscoverRow[]> => {
    const out: DiscoverRow[] = [];
    for (const account of services.store.accounts.list()) {
      const base = { id: account.id, label: account.label };
      const session = services.store.accounts.getSecrets(account.id)?.cookie;
      if (!session) {
        out.push({ ...base, plan: null, imageId: null, hostId: null, models: [], error: 'no session stored' });
        continue;
      }
      try {
        const found = await services.adapter.discover(session);
        const allowed = new Set(found.allowedModels.map((m) => m.id));
        const models = found.models.map((m) => ({ name: m.name, accessLevel: m.accessLevel, allowed: allowed.has(m.id) }));
        out.push({ ...base, plan: found.plan, imageId: found.environmentId, hostId: found.hostId, models, error: null });
      } catch (err) {
        out.push({ ...base, plan: null, imageId: null, hostId: null, models: [], error: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  });
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
      rows.map((r) => [String(r.id), r.label, r.plan ?? '-', r.imageId ?? '-', r.hostId ?? '-', `${r.models.filter((m) => m.allowed).length}/${r.models.length}`, r.error ?? '']),
    ),
  );
}

/** `relaypool discover`. */
export function registerDiscover(program: Command, io: CliIo): void {
  withCommonFlags(
    program.command('discover').description('show, per account, the plan, image id, host id and models found upstream').option('--json', 'print JSON'),
  ).action((flags: DiscoverFlags) => discover(io, flags));
}
