import { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import { silentLogger, type UpstreamLogger } from '../logger.js';
import type { OperatorLoginFlows, OperatorSession, PendingSmsLogin } from '../operator-login-flows.js';
import { systemClock, systemTimers, type Clock, type Timers } from '../../util/timing.js';
import type { CallOptions } from '../types.js';
import { authorizeUrl, loginWithPhone, requestPhoneCode } from './baizhi-api.js';
import { obtainCaptchaToken } from './captcha/captcha-api.js';
import { MonkeyCodeHttp } from './http-client.js';
import { callbackTarget } from './oauth-callback-url.js';
import { followToSession } from './oauth-follow.js';
import type { HopDeps } from './oauth-hop.js';
import { startOAuth, type OAuthParams } from './oauth-start.js';
import { resolveOptions } from './options.js';

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
