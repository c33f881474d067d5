import { describeFailure, type AccountService } from './account-service.js';
import { z } from 'zod';

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

/** One account to import: a cookie, or an email with a password; optional label and slot limit. */
export interface ImportRow {
  cookie?: string | undefined;
  email?: string | undefined;
  password?: string | undefined;
  label?: string | undefined;
  maxConcurrency?: number | undefined;
}

/** A parsed line of an import file (1-based `line` where the row starts), or why it is unusable. */
export type ImportLine = { line: number; row: ImportRow } | { line: number; error: string };

const text = z.string().trim().min(1).optional();
const limit = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'expected an integer').transform(Number)])
  .pipe(
    z
      .number()
      .int('expected an integer')
      .min(1, 'expected an integer 1-64')
      .max(64, 'expected an integer 1-64'),
  )
  .optional();

const rowSchema = z
  .object({
    cookie: text,
    email: text,
    password: z.string().min(1).optional(),
    label: text,
    max_concurrency: limit,
    maxConcurrency: limit,
  })
  .transform((raw): ImportRow => ({
    cookie: raw.cookie,
    email: raw.email,
    password: raw.password,
    label: raw.label,
    maxConcurrency: raw.max_concurrency ?? raw.maxConcurrency,
  }))
  .refine(
    (row) => (row.cookie !== undefined) !== (row.email !== undefined || row.password !== undefined),
    'give either `cookie` or `email` + `password`',
  )
  .refine(
    (row) => row.cookie !== undefined || (row.email !== undefined && row.password !== undefined),
    'a password row needs both `email` and `password`',
  );

function toLine(line: number, value: unknown): ImportLine {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { line, error: 'expected an object with cookie or email/password' };
  const parsed = rowSchema.safeParse(value);
  if (parsed.success) return { line, row: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { line, error: `${where}${issue?.message ?? 'invalid row'}` };
}

function parseJsonLines(source: string): ImportLine[] {
  return source.split(/\r?\n/).flatMap((raw, i): ImportLine[] => {
    if (raw.trim() === '') return [];
    try {
      return [toLine(i + 1, JSON.parse(raw))];
    } catch {
      return [{ line: i + 1, error: 'not valid JSON' }];
    }
  });
}

/** RFC 4180 records with the 1-based line each starts on (quoted fields may hold commas, quotes, newlines). */
export function parseCsvRecords(source: string): Array<{ line: number; cells: string[] }> {
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = (): void => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\n') line += 1;
    if (quoted && ch === '"' && source[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += ch;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') {
      endRecord();
      start = line;
    } else if (ch !== '\r') {
      cell += ch;
    }
  }
  endRecord();
  return records;
}

function parseCsv(source: string): ImportLine[] {
  const [header, ...rows] = parseCsvRecords(source);
  if (header === undefined) return [];
  const names = header.cells.map((name) => name.trim().toLowerCase());
  return rows.map(({ line, cells }) => {
    const entries = names.map((name, i) => [name, cells[i]?.trim() === '' ? undefined : cells[i]] as const);
    return toLine(line, Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
  });
}

/**
 * Parse an import file: JSON lines (one object per line) or CSV with a header row. Keys/columns:
 * `cookie` | `email` + `password`, optional `label`, `max_concurrency`. The format follows the
 * file name (`.csv`, `.jsonl`/`.ndjson`/`.json`), else the first character. A bad row is
 * reported on its own line and never stops the others.
 */
export function parseImportFile(source: string, fileName = ''): ImportLine[] {
  const body = source.replace(/^\uFEFF/, '');
  const byName = /\.csv$/i.test(fileName) ? 'csv' : /\.(jsonl|ndjson|json)$/i.test(fileName) ? 'jsonl' : null;
  const format = byName ?? (body.trimStart().startsWith('{') ? 'jsonl' : 'csv');
  return format === 'csv' ? parseCsv(body) : parseJsonLines(body);
}
