import { describeFailure, type AccountService } from './account-service.js';
import type { ImportLine, ImportRow } from './import-rows.js';

/** A row that could not be imported, and why (never a secret). */
export interface ImportFailure {
  line: number;
  reason: string;
}

/** What an import did. */
export interface ImportSummary {
  added: number;
  updated: number;
  failed: ImportFailure[];
}

/** Options of `importAccounts`. */
export interface ImportOptions {
  /** Turn a pasted cookie (any accepted form) into the bare session value; throws when unusable. */
  normalizeCookie?: (raw: string) => string;
  /** Called after every row. */
  onProgress?: (done: number, total: number, summary: ImportSummary) => void;
}

/**
 * Import accounts row by row through the `AccountService` (each checked upstream like `accounts
 * add`): a stored cookie or email is updated instead of failing, and a bad row is recorded and
 * never stops the others.
 */
export async function importAccounts(
  service: AccountService,
  lines: readonly ImportLine[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, failed: [] };
  for (const [index, entry] of lines.entries()) {
    if ('error' in entry) {
      summary.failed.push({ line: entry.line, reason: entry.error });
    } else {
      try {
        const result = await importRow(service, entry.row, options);
        summary[result] += 1;
      } catch (err) {
        const who = entry.row.email ?? entry.row.label ?? 'cookie';
        summary.failed.push({ line: entry.line, reason: `${who}: ${describeFailure(err)}` });
      }
    }
    options.onProgress?.(index + 1, lines.length, summary);
  }
  return summary;
}

async function importRow(
  service: AccountService,
  row: ImportRow,
  options: ImportOptions,
): Promise<'added' | 'updated'> {
  const settings = { label: row.label, maxConcurrency: row.maxConcurrency };
  if (row.cookie !== undefined) {
    const cookie = options.normalizeCookie ? options.normalizeCookie(row.cookie) : row.cookie;
    return (await service.upsertCookie(cookie, settings)).action;
  }
  return (await service.upsertPassword(row.email ?? '', row.password ?? '', settings)).action;
}
