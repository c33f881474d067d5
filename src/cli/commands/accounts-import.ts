import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importAccounts, parseImportFile, type ImportSummary } from '../../pool/account-import.js';
import { UserError } from '../../util/errors.js';
import { resolveConfig, withCommonFlags, withServices, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';
import { createProgressBar } from '../progress-bar.js';

function readSource(io: CliIo, file: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const code =
      err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'unreadable';
    throw new UserError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code})`);
  }
}

const tally = (s: ImportSummary): string =>
  `added ${s.added}, updated ${s.updated}, failed ${s.failed.length}`;

async function importFile(io: CliIo, file: string, flags: CommonFlags): Promise<void> {
  const lines = parseImportFile(readSource(io, file), file);
  if (lines.length === 0) throw new UserError(`${file} holds no account rows`);
  const config = resolveConfig(io, flags);
  const bar = io.stderrIsTty === true ? createProgressBar(io.stderr) : null;
  const summary = await withServices(config, (services) =>
    importAccounts(services.accounts, lines, {
      normalizeCookie: (raw) => services.accounts.parseSessionInput(raw),
      onProgress: (done, total, sofar) => bar?.update(done, total, tally(sofar)),
    }),
  );
  bar?.finish();
  for (const failure of summary.failed) io.stdout(`line ${failure.line}: ${failure.reason}\n`);
  io.stdout(`${tally(summary)}\n`);
  const failed = summary.failed.length;
  if (failed > 0)
    throw new UserError(`${failed} row${failed === 1 ? '' : 's'} of ${file} could not be imported`);
}

/** `relaypool accounts import <file>`. */
export function registerAccountsImport(accounts: Command, io: CliIo): void {
  withCommonFlags(
    accounts
      .command('import')
      .description('add or update many accounts from a JSONL or CSV file of cookie or email/password rows')
      .argument(
        '<file>',
        'JSONL (one {"cookie"} or {"email","password"} object per line) or CSV with a header row; optional label, max_concurrency',
      ),
  ).action((file: string, flags: CommonFlags) => importFile(io, file, flags));
}
