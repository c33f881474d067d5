/**
 * Operator-driven logins (docs/monkeycode-protocol.md §2.7/§2.8): a human types the SMS code or pastes the OAuth
 * callback URL; the platform's adapter drives the HTTP flow and hands back a session cookie.
 * Platform-neutral types; the MonkeyCode implementation is `monkeycode/oauth-login.ts`.
 */
import type { CallOptions } from './types.js';

/** A session cookie obtained by an operator login. `value` is a secret: never log or return it. */
export interface OperatorSession {
  value: string;
  /** When the platform said the session ends; null when it did not say. */
  expiresAt: Date | null;
}

/**
 * The state between "send the SMS code" and "verify it" (cookies, OAuth parameters). Opaque to
 * callers, and secret: it holds the identity provider's session once the code is verified.
 */
export interface PendingSmsLogin {
  readonly phone: string;
}

/** The flows an operator can drive; every failure is a typed upstream failure. */
export interface OperatorLoginFlows {
  /** Start at the platform's login, then have the identity provider text a code to `phone`. */
  sendSmsCode(phone: string, options?: CallOptions): Promise<PendingSmsLogin>;
  /** Log in with the code, authorize the platform, follow its callback; `bad-credentials` when the code is refused. */
  verifySmsCode(pending: PendingSmsLogin, code: string, options?: CallOptions): Promise<OperatorSession>;
  /** Request a pasted callback URL on the configured platform host and capture the session it sets. */
  finishCallback(callbackUrl: string, options?: CallOptions): Promise<OperatorSession>;
}

/** A pasted callback URL the flows refuse to request (the message says why; it is the operator's input). */
export class CallbackUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackUrlError';
  }
}
