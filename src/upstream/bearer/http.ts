import type { Readable } from 'node:stream';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import type { UpstreamLogger } from '../logger.js';
import { abortReason } from '../../util/timing.js';
import type { CallOptions } from '../types.js';
import { failureFromStatus } from './http-failure.js';

/** One HTTP call to a bearer-token platform. */
export interface BearerCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the platform's base URL (which may carry a prefix such as `/api/v1`). */
  path: string;
  query?: Record<string, string | undefined>;
  token?: string | null;
  /** JSON body, or a form (`application/x-www-form-urlencoded`) when `form` is set. */
  body?: unknown;
  form?: Record<string, string>;
  /** What is being done, for messages and logs (e.g. `send message`). */
  context: string;
  accept?: string;
  options?: CallOptions;
}

/** A fully read answer. */
export interface BearerAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** `JSON.parse(text)`, or undefined when the body is not JSON. */
  json: unknown;
}

/** What the shared HTTP layer needs. */
export interface BearerHttpDeps {
  baseUrl: URL;
  dispatcher: Dispatcher | undefined;
  logger: UpstreamLogger;
  requestTimeoutMs: number;
}

/**
 * HTTP over undici for the bearer-token platforms. Every call has a deadline and honours the
 * caller's signal; a transport failure is `UpstreamFailure('network')`, a deadline
 * `UpstreamTimeoutFailure`. `json` and `expectOk` never leak response bodies into messages beyond
 * the platform's own short error text.
 */
export class BearerHttp {
  constructor(readonly deps: BearerHttpDeps) {}

  /** Absolute URL of `path` under the base URL. */
  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const base = this.deps.baseUrl;
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  /** Perform the call and read the whole body. Never throws on status. */
  async read(call: BearerCall): Promise<BearerAnswer> {
    return this.finish(await this.open(call), call);
  }

  /** Read the rest of an opened answer (e.g. the error body of a refused stream). */
  async finish(
    opened: { status: number; headers: Record<string, string>; body: Readable },
    call: BearerCall,
  ): Promise<BearerAnswer> {
    const text = await readText(opened.body, call, this.deps.requestTimeoutMs);
    return { status: opened.status, headers: opened.headers, text, json: parseJson(text) };
  }

  /** Perform the call; a non-2xx status throws the classified failure. */
  async expectOk(call: BearerCall): Promise<BearerAnswer> {
    const answer = await this.read(call);
    if (answer.status < 200 || answer.status > 299) throw failureFromStatus(answer, call.context);
    return answer;
  }

  /** Perform the call and hand back the body stream (for SSE). The caller must consume or destroy it. */
  async open(call: BearerCall): Promise<{ status: number; headers: Record<string, string>; body: Readable }> {
    const timeoutMs = call.options?.timeoutMs ?? this.deps.requestTimeoutMs;
    const signal = call.options?.signal;
    const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    let body: string | undefined;
    if (call.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(call.form).toString();
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    try {
      if (signal?.aborted) throw abortReason(signal);
      const response = await request(this.url(call.path, call.query), {
        method: call.method,
        headers,
        body,
        dispatcher: this.deps.dispatcher ?? getGlobalDispatcher(),
        headersTimeout: timeoutMs,
        bodyTimeout: call.accept === 'text/event-stream' ? 0 : timeoutMs,
        ...(signal ? { signal } : {}),
      });
      this.deps.logger.debug({ call: call.context, status: response.statusCode }, 'upstream http');
      return { status: response.statusCode, headers: flatHeaders(response.headers), body: response.body };
    } catch (err) {
      throw transportFailure(err, call, timeoutMs);
    }
  }
}

async function readText(body: Readable, call: BearerCall, defaultTimeoutMs: number): Promise<string> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    throw transportFailure(err, call, call.options?.timeoutMs ?? defaultTimeoutMs);
  }
}

/** Map a thrown transport error: the caller's abort passes through as its reason. */
export function transportFailure(err: unknown, call: BearerCall, timeoutMs: number): unknown {
  const signal = call.options?.signal;
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof UpstreamFailure || err instanceof UpstreamTimeoutFailure) return err;
  const code = errorCode(err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeoutFailure(`${call.context} timed out after ${timeoutMs} ms`);
  }
  return new UpstreamFailure('network', `${call.context}: network error (${code})`, { cause: err });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code: unknown = Reflect.get(err, 'code');
    return typeof code === 'string' ? code : err.name;
  }
  return 'unknown';
}
