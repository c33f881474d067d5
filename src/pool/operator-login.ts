import { randomUUID } from 'node:crypto';
import { isUpstreamFailure, type UpstreamErrorKind } from '../upstream/errors.js';
import {
  CallbackUrlError,
  type OperatorLoginFlows,
  type PendingSmsLogin,
} from '../upstream/operator-login-flows.js';
import { InvalidRequestError, NotFoundError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { AccountOptions, AccountService, UpsertResult } from './account-service.js';
import { PendingLogins } from './pending-logins.js';

/** What `OperatorLogin` needs. */
export interface OperatorLoginDeps {
  flows: OperatorLoginFlows;
  accounts: AccountService;
  logger: Logger;
  now: () => number;
  newId?: () => string;
  /** How long a sent code may be verified (default 10 min). */
  ttlMs?: number;
  /** Most pending logins kept (default 100). */
  capacity?: number;
}

/** What send-code reports (never the code, never a cookie). */
export interface SentCode {
  loginId: string;
  /** The phone number with its middle digits hidden. */
  phone: string;
  expiresAt: number;
  /** Seconds left to verify. */
  expiresInS: number;
}

/** How verify finds its pending login: by the id send-code returned, or the newest for a phone. */
export interface VerifyInput {
  loginId?: string | undefined;
  phone?: string | undefined;
  code: string;
  options: AccountOptions;
}

interface Pending {
  login: PendingSmsLogin;
  options: AccountOptions;
}

// Refusals that leave a pending login usable: a mistyped code, a captcha that failed to redeem.
const RETRYABLE_ON_SAME_LOGIN: ReadonlySet<UpstreamErrorKind> = new Set(['bad-credentials', 'captcha']);

/** `138****5678`-style masking for responses and logs. */
export function maskPhone(phone: string): string {
  if (phone.length <= 5) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

/**
 * Operator-driven logins (docs/monkeycode-protocol.md §2.7/§2.8) ending in a pool account: SMS send-code/verify and
 * pasted OAuth callback URLs. Pending logins live in memory only, with a short TTL. The session
 * each flow yields is stored through `AccountService.addOrRenewSession` (validated with
 * `/users/status`; the same upstream user logging in again renews its account).
 */
export class OperatorLogin {
  readonly #pending: PendingLogins<Pending>;

  constructor(private readonly deps: OperatorLoginDeps) {
    this.#pending = new PendingLogins({
      now: deps.now,
      ttlMs: deps.ttlMs ?? 600_000,
      capacity: deps.capacity ?? 100,
      newId: deps.newId ?? randomUUID,
    });
  }

  /** Step 1: have the identity provider text a code to `phone`; remember the login for verify. */
  async sendCode(phone: string, options: AccountOptions = {}): Promise<SentCode> {
    const login = await this.deps.flows.sendSmsCode(phone).catch((err: unknown) => rethrow(err, 'phone'));
    const entry = this.#pending.add({ login, options });
    this.deps.logger.info({ loginId: entry.id, phone: maskPhone(phone) }, 'SMS login code sent');
    return {
      loginId: entry.id,
      phone: maskPhone(phone),
      expiresAt: entry.expiresAt,
      expiresInS: Math.round((entry.expiresAt - entry.createdAt) / 1000),
    };
  }

  /** Step 2: log in with the typed code and add the account. A refused code keeps the login for another try. */
  async verify(input: VerifyInput): Promise<UpsertResult> {
    const entry = this.#find(input);
    let session;
    try {
      session = await this.deps.flows.verifySmsCode(entry.value.login, input.code);
    } catch (err) {
      if (!(isUpstreamFailure(err) && RETRYABLE_ON_SAME_LOGIN.has(err.kind))) this.#pending.delete(entry.id);
      return rethrow(err, 'code');
    }
    this.#pending.delete(entry.id);
    const check = await this.deps.accounts.addOrRenewSession(session.value, {
      ...entry.value.options,
      ...definedOptions(input.options),
    });
    this.deps.logger.info(
      { loginId: entry.id, accountId: check.account.id, action: check.action },
      'SMS login stored an account',
    );
    return check;
  }

  /** Finish a login from the callback URL the operator's browser reached; add the account. */
  async callback(url: string, options: AccountOptions = {}): Promise<UpsertResult> {
    const session = await this.deps.flows.finishCallback(url).catch((err: unknown) => rethrow(err, 'url'));
    const check = await this.deps.accounts.addOrRenewSession(session.value, options);
    this.deps.logger.info(
      { accountId: check.account.id, action: check.action },
      'OAuth callback stored an account',
    );
    return check;
  }

  #find(input: VerifyInput) {
    const entry =
      input.loginId !== undefined
        ? this.#pending.get(input.loginId)
        : this.#pending.findLatest((p) => p.login.phone === input.phone);
    const param = input.loginId !== undefined ? 'loginId' : 'phone';
    if (entry === null)
      throw new NotFoundError('no pending SMS login (unknown, finished or expired); send a new code', {
        code: 'login_not_found',
        param,
      });
    if (input.phone !== undefined && entry.value.login.phone !== input.phone) {
      throw new InvalidRequestError('phone: does not match the pending login', {
        code: 'invalid_request',
        param: 'phone',
      });
    }
    return entry;
  }
}

function definedOptions(options: AccountOptions): AccountOptions {
  return {
    ...(options.label !== undefined ? { label: options.label } : {}),
    ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
  };
}

// The operator's input was refused (a wrong code, a bad URL): 400 naming the field. Anything
// else (captcha, network, the platform down) stays an upstream failure (502/504).
function rethrow(err: unknown, param: string): never {
  if (err instanceof CallbackUrlError)
    throw new InvalidRequestError(`url: ${err.message}`, { code: 'invalid_callback_url', param });
  if (isUpstreamFailure(err) && (err.kind === 'bad-credentials' || err.kind === 'bad-request')) {
    throw new InvalidRequestError(err.message, { code: 'login_rejected', param });
  }
  throw err;
}
