import type { IncomingMessage } from 'node:http';
import type { RecordedBody } from '../recorder.js';
import type { SessionRecord, UserRecord } from '../types.js';
import { tryParseJson } from '../wire/base64.js';
import { pickLang, type Lang } from './messages.js';

/** Name of the user session cookie (docs/monkeycode-protocol.md §2.1). */
export const SESSION_COOKIE = 'monkeycode_ai_session';

/** Everything a route handler needs about one request. */
export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  lang: Lang;
  body: RecordedBody;
  /** Set by the router when the session cookie is valid. */
  auth: { user: UserRecord; session: SessionRecord } | undefined;
}

/** Parses a `Cookie` header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Lowercased header map with repeated headers joined by `, `. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** URLSearchParams as a plain object (last value wins). */
export function queryObject(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries(query.entries());
}

/** Builds the context of a request whose body has been read. */
export function buildContext(req: IncomingMessage, rawBody: string): RequestContext {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const headers = flattenHeaders(req);
  const cookies = parseCookies(headers['cookie']);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    cookies,
    lang: pickLang(headers['accept-language'], cookies['language']),
    body: { raw: rawBody, json: rawBody === '' ? undefined : tryParseJson(rawBody) },
    auth: undefined,
  };
}

/** Reads a request body as UTF-8 (capped at 16 MiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > 16 * 1024 * 1024) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
