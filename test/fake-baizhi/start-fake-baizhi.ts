import { createServer } from 'node:http';
import { CaptchaService } from '../fake-upstream/captcha/captcha-service.js';
import { jsonReply, type Reply } from '../fake-upstream/http/reply.js';
import { flattenHeaders, parseCookies, readBody } from '../fake-upstream/http/request-context.js';
import { tryParseJson } from '../fake-upstream/wire/base64.js';
import type { CaptchaOptions } from '../fake-upstream/options.js';
import { routeBaizhi, type BaizhiDeps, type BaizhiRequest } from './baizhi-routes.js';
import { BaizhiState } from './baizhi-state.js';

/** Options of `startFakeBaizhi`. */
export interface FakeBaizhiOptions {
  /** go-cap parameters (default: enabled, c=50, s=32, d=3); use small c/d in tests. */
  captcha?: CaptchaOptions;
  /** Refuse phone_code/login without a redeemed captcha token (default true). */
  captchaRequired?: boolean;
  /** Lifetime of a texted code (default 5 min). */
  codeTtlMs?: number;
}

/** One request the fake saw. */
export interface BaizhiRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** A running fake Baizhi-Cloud. */
export interface FakeBaizhi {
  readonly url: string;
  readonly requests: readonly BaizhiRecord[];
  readonly state: BaizhiState;
  /** The code last texted to `phone` (what the operator would read on the phone). */
  lastCode(phone: string): string | undefined;
  /** Every code texted so far is expired now. */
  expireCodes(): void;
  /** The next `times` captcha redeems fail like go-cap's `invalid solutions` (HTTP 500). */
  failNextRedeem(times?: number): void;
  /** The next request to `path` answers `reply` instead (one-shot). */
  failNext(path: string, reply: Reply): void;
  setCaptchaRequired(required: boolean): void;
  close(): Promise<void>;
}

/** Starts the fake Baizhi on 127.0.0.1:0. */
export async function startFakeBaizhi(options: FakeBaizhiOptions = {}): Promise<FakeBaizhi> {
  const c = options.captcha ?? {};
  const captcha = new CaptchaService({
    enabled: c.enabled ?? true,
    c: c.c ?? 50,
    s: c.s ?? 32,
    d: c.d ?? 3,
    challengeTtlS: c.challengeTtlS ?? 120,
    tokenTtlS: c.tokenTtlS ?? 300,
  });
  const state = new BaizhiState(options.codeTtlMs ?? 300_000);
  let captchaRequired = options.captchaRequired ?? true;
  let failRedeems = 0;
  const failures = new Map<string, Reply>();
  const requests: BaizhiRecord[] = [];
  const deps: BaizhiDeps = { state, captcha, captchaRequired: () => captchaRequired };
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const headers = flattenHeaders(req);
      const request: BaizhiRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        cookies: parseCookies(headers['cookie']),
        json: raw === '' ? undefined : tryParseJson(raw),
      };
      let reply = failures.get(url.pathname);
      failures.delete(url.pathname);
      if (reply === undefined && url.pathname === '/api/v1/public/captcha/redeem' && failRedeems > 0) {
        failRedeems -= 1;
        reply = jsonReply(500, { success: false, message: 'invalid solutions' });
      }
      reply ??=
        routeBaizhi(deps, request) ?? jsonReply(404, { code: 404, success: false, message: 'not found' });
      requests.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: raw,
        status: reply.status,
      });
      res.writeHead(reply.status, {
        ...reply.headers,
        'content-length': String(Buffer.byteLength(reply.body)),
      });
      res.end(reply.body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake-baizhi: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    state,
    lastCode: (phone) => state.smsCodes.get(phone)?.code,
    expireCodes: () => {
      for (const code of state.smsCodes.values()) code.expiresAt = 0;
    },
    failNextRedeem: (times = 1) => {
      failRedeems += times;
    },
    failNext: (path, reply) => void failures.set(path, reply),
    setCaptchaRequired: (required) => {
      captchaRequired = required;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
