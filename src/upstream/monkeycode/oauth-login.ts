import { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import { silentLogger, type UpstreamLogger } from '../logger.js';
import { type Clock, systemClock, systemTimers, type Timers } from '../../util/timing.js';
import type { CallOptions } from '../types.js';
import { authorizeUrl, loginWithPhone, requestPhoneCode } from './baizhi-api.js';
import { obtainCaptchaToken } from './captcha/captcha-api.js';
import { MonkeyCodeHttp } from './http-client.js';
import { followToSession, type HopDeps, type OAuthParams, startOAuth } from './oauth-redirects.js';
import { resolveOptions } from './options.js';
import {
  CallbackUrlError,
  type OperatorLoginFlows,
  type OperatorSession,
  type PendingSmsLogin,
} from '../operator-login-flows.js';

/** Configuration of the MonkeyCode operator logins. */
export interface OperatorLoginOptions {
  /** MonkeyCode base URL (`upstream.url`). */
  baseUrl: string | URL;
  /** Baizhi-Cloud base URL (`upstream.baizhiUrl`). */
  baizhiUrl: string | URL;
  dispatcher?: Dispatcher;
  clock?: Clock;
  timers?: Timers;
  logger?: UpstreamLogger;
  requestTimeoutMs?: number;
  /** Time budget of each Baizhi captcha proof-of-work (default 30 s). */
  captchaBudgetMs?: number;
}

// The pending state: its jar holds MonkeyCode's cookies from step 1 and, after the code is
// verified, Baizhi's session cookie. Never logged, never leaves this module except as the opaque type.
class SmsLoginState implements PendingSmsLogin {
  constructor(
    readonly phone: string,
    readonly oauth: OAuthParams,
    readonly jar: CookieJar,
  ) {}
}

/**
 * docs/monkeycode-protocol.md §2.7 for MonkeyCode + Baizhi-Cloud: SMS login (step 1 at MonkeyCode, go-cap captcha and SMS on
 * Baizhi, OAuth authorize, MonkeyCode callback) and finishing from a pasted callback URL.
 * Only the configured MonkeyCode and Baizhi origins are ever contacted.
 */
export class MonkeyCodeOperatorLogin implements OperatorLoginFlows {
  readonly #hop: HopDeps;
  readonly #baseUrl: URL;
  readonly #baizhiUrl: URL;
  readonly #baizhiHttp: MonkeyCodeHttp;
  readonly #captcha: { timers: Timers; captchaBudgetMs: number; logger: UpstreamLogger };
  readonly #clock: Clock;

  constructor(options: OperatorLoginOptions) {
    const mc = resolveOptions({ ...options, baseUrl: options.baseUrl });
    const baizhi = resolveOptions({ ...options, baseUrl: options.baizhiUrl });
    this.#baseUrl = mc.baseUrl;
    this.#baizhiUrl = baizhi.baseUrl;
    this.#clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.#hop = {
      dispatcher: options.dispatcher,
      timers: options.timers ?? systemTimers,
      logger,
      requestTimeoutMs: mc.requestTimeoutMs,
      acceptLanguage: mc.acceptLanguage,
    };
    // Baizhi exposes the same go-cap endpoints as MonkeyCode (`/api/v1/public/captcha/*`).
    this.#baizhiHttp = new MonkeyCodeHttp(baizhi);
    this.#captcha = { timers: baizhi.timers, captchaBudgetMs: baizhi.captchaBudgetMs, logger };
  }

  async sendSmsCode(phone: string, options?: CallOptions): Promise<PendingSmsLogin> {
    const jar = new CookieJar();
    const oauth = await startOAuth(this.#hop, jar, this.#baseUrl, options);
    const captchaToken = await obtainCaptchaToken(this.#baizhiHttp, this.#captcha, options);
    await requestPhoneCode(this.#hop, jar, this.#baizhiUrl, phone, captchaToken, options);
    return new SmsLoginState(phone, oauth, jar);
  }

  async verifySmsCode(
    pending: PendingSmsLogin,
    code: string,
    options?: CallOptions,
  ): Promise<OperatorSession> {
    if (!(pending instanceof SmsLoginState)) throw new TypeError('not a pending login of this adapter');
    const captchaToken = await obtainCaptchaToken(this.#baizhiHttp, this.#captcha, options);
    await loginWithPhone(this.#hop, pending.jar, this.#baizhiUrl, pending.phone, code, captchaToken, options);
    const scope = {
      allowedOrigins: [this.#baizhiUrl.origin, this.#baseUrl.origin],
      now: () => this.#clock.now(),
    };
    return followToSession(
      this.#hop,
      pending.jar,
      authorizeUrl(this.#baizhiUrl, pending.oauth),
      scope,
      'OAuth authorize',
      options,
    );
  }

  async finishCallback(callbackUrl: string, options?: CallOptions): Promise<OperatorSession> {
    const target = callbackTarget(callbackUrl, this.#baseUrl);
    const scope = { allowedOrigins: [this.#baseUrl.origin], now: () => this.#clock.now() };
    return followToSession(this.#hop, new CookieJar(), target, scope, 'OAuth callback', options);
  }
}

/** The operator-login flows for a MonkeyCode upstream. */
export function createOperatorLogin(options: OperatorLoginOptions): OperatorLoginFlows {
  return new MonkeyCodeOperatorLogin(options);
}

/**
 * The URL to request for a pasted OAuth callback (docs/monkeycode-protocol.md §2.7 step 4): the same path and query on the
 * configured upstream's origin. Refuses (`CallbackUrlError`) anything that is not an absolute
 * http(s) URL on the upstream's host, whose path is not under `/api/`, or that has no `code`.
 */
export function callbackTarget(pasted: string, upstream: URL): URL {
  let url: URL;
  try {
    url = new URL(pasted.trim());
  } catch {
    throw new CallbackUrlError('expected the absolute URL the browser was sent to after authorizing');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CallbackUrlError('expected an http(s) URL');
  if (url.host.toLowerCase() !== upstream.host.toLowerCase()) {
    throw new CallbackUrlError(`the URL is not on the configured upstream host (${upstream.host})`);
  }
  if (!url.pathname.startsWith('/api/'))
    throw new CallbackUrlError(
      'the URL path is not under /api/ (paste the callback URL, not the page it led to)',
    );
  if (!url.searchParams.has('code')) throw new CallbackUrlError('the URL has no code parameter');
  const target = new URL(upstream.origin);
  target.pathname = url.pathname;
  target.search = url.search;
  return target;
}
