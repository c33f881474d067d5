import { getGlobalDispatcher, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { UpstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import { abortReason } from '../../util/timing.js';
import type { CallOptions } from '../types.js';
import { parseEnvelope, type EnvelopeOptions, type RawResponse } from './envelope.js';
import { apiTarget, type MonkeyCodeDeps, type Query } from './options.js';
import type { SessionJar } from './session-jar.js';

/** One HTTP exchange with MonkeyCode. */
export interface Exchange {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API path, e.g. `/api/v1/users/tasks`. */
  path: string;
  query?: Query;
  /** Serialised as JSON when present. */
  body?: unknown;
  /** What is being done, for messages and logs (e.g. `create task`). */
  context: string;
  options?: CallOptions;
}

/** A raw answer plus the `Set-Cookie` headers it carried. */
export interface ExchangeResult extends RawResponse {
  setCookies: string[];
}

/** An exchange whose answer is an envelope with `data` of a known shape. */
export interface ApiCall<T> extends Exchange, EnvelopeOptions {
  schema: z.ZodType<T>;
}

/**
 * HTTP over undici with a per-account cookie jar. Every call has a deadline
 * (`options.timeoutMs` or the default) and honours `options.signal`: a caller abort rejects with
 * the signal's reason; a deadline rejects with `UpstreamTimeoutFailure`; a transport failure with
 * `UpstreamFailure('network')`.
 */
export class MonkeyCodeHttp {
  readonly #deps: MonkeyCodeDeps;

  constructor(deps: MonkeyCodeDeps) {
    this.#deps = deps;
  }

  /** Call an enveloped endpoint and return its parsed `data` (throws typed failures). */
  async api<T>(jar: SessionJar | null, call: ApiCall<T>): Promise<T> {
    const response = await this.exchange(jar, call);
    return parseEnvelope(response, call.schema, call.context, call);
  }

  /**
   * Perform the exchange; cookies are sent from and stored into `jar`. Never throws on status.
   * The deadline is undici's own (headers within `timeoutMs`, then no body silence that long) and
   * the caller's signal aborts the dispatch directly: no AbortController and timer of our own.
   */
  async exchange(jar: SessionJar | null, call: Exchange): Promise<ExchangeResult> {
    const deps = this.#deps;
    const target = apiTarget(deps, call.path, call.query);
    const timeoutMs = call.options?.timeoutMs ?? deps.requestTimeoutMs;
    const signal = call.options?.signal;
    try {
      if (signal?.aborted) throw abortReason(signal);
      const cookie =
        jar === null
          ? ''
          : (jar.reusableCookieHeader(target.origin) ?? (await jar.cookieHeader(new URL(target.href))));
      const headers = this.#headers(cookie, call.body !== undefined);
      const response = await send(
        deps.dispatcher ?? getGlobalDispatcher(),
        {
          origin: target.origin,
          path: target.path,
          method: call.method,
          headers,
          body: call.body === undefined ? null : JSON.stringify(call.body),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        signal,
      );
      if (jar && response.setCookies.length > 0) await jar.store(response.setCookies, new URL(target.href));
      deps.logger.debug({ call: call.context, status: response.status }, 'upstream http');
      return response;
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      if (isTimeout(err)) throw new UpstreamTimeoutFailure(`${call.context} timed out after ${timeoutMs} ms`);
      throw new UpstreamFailure('network', `${call.context}: network error (${errorCode(err)})`, {
        cause: err,
      });
    }
  }

  #headers(cookie: string, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-language': this.#deps.acceptLanguage,
    };
    if (hasBody) headers['content-type'] = 'application/json';
    if (cookie.length > 0) headers.cookie = cookie;
    return headers;
  }
}

/**
 * One request through undici's `dispatch` with a handler that collects the body: the REST answers
 * are small JSON, and this skips `request()`'s body stream (about a fifth of a call's CPU).
 * `signal` aborts it (rejecting with the signal's reason).
 */
function send(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let contentType = '';
    const setCookies: string[] = [];
    let abort: ((err?: Error) => void) | null = null;
    // The caller rethrows the signal's own reason; undici only needs some Error.
    const aborted = (): Error => new DOMException('This operation was aborted', 'AbortError');
    const onAbort = (): void => abort?.(aborted());
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (signal?.aborted) abortRequest(aborted());
      },
      onHeaders(statusCode, rawHeaders) {
        status = statusCode;
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          const name = String(rawHeaders[i]).toLowerCase();
          if (name === 'set-cookie') setCookies.push(String(rawHeaders[i + 1]));
          else if (name === 'content-type' && contentType === '') contentType = String(rawHeaders[i + 1]);
        }
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        done();
        const body = chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks);
        resolve({ status, contentType, body: body.toString('utf8'), setCookies });
      },
      onError(err) {
        done();
        reject(err);
      },
    };
    dispatcher.dispatch(options, handler); // failures, even of the options, arrive in onError
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isTimeout(err: unknown): boolean {
  return TIMEOUT_CODES.has(errorCode(err));
}

function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code: unknown = Reflect.get(err, 'code');
    return typeof code === 'string' ? code : err.name;
  }
  return 'unknown';
}
