import { randomHex } from '../fake-upstream/ids.js';

/** A code texted to a phone. */
export interface SmsCode {
  code: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** An authorization code issued by `oauth/authorize`, exchanged once by the fake MonkeyCode. */
export interface AuthCode {
  phone: string;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

/** Baizhi's users are phone numbers; sessions and codes are plain maps. */
export class BaizhiState {
  /** Last code sent per phone. */
  readonly smsCodes = new Map<string, SmsCode>();
  /** Baizhi session cookie value → phone. */
  readonly sessions = new Map<string, string>();
  readonly authCodes = new Map<string, AuthCode>();

  constructor(private readonly codeTtlMs: number) {}

  /** Texts a fresh six-digit code (replacing any earlier one). */
  sendCode(phone: string): string {
    const code = String(100_000 + Math.floor(Math.random() * 900_000));
    this.smsCodes.set(phone, { code, expiresAt: Date.now() + this.codeTtlMs });
    return code;
  }

  /** `ok`, or why the code is refused; a matching code is consumed. */
  checkCode(phone: string, code: string): 'ok' | 'wrong' | 'expired' {
    const sent = this.smsCodes.get(phone);
    if (sent === undefined || sent.code !== code) return 'wrong';
    if (sent.expiresAt <= Date.now()) return 'expired';
    this.smsCodes.delete(phone);
    return 'ok';
  }

  /** A new Baizhi session for `phone`; its cookie value. */
  openSession(phone: string): string {
    const value = randomHex(32);
    this.sessions.set(value, phone);
    return value;
  }

  /** Issues a one-shot authorization code (valid 60 s). */
  issueAuthCode(grant: Omit<AuthCode, 'expiresAt'>): string {
    const code = randomHex(24);
    this.authCodes.set(code, { ...grant, expiresAt: Date.now() + 60_000 });
    return code;
  }

  /** Consumes an authorization code; undefined when unknown, used or expired. */
  redeemAuthCode(code: string): AuthCode | undefined {
    const grant = this.authCodes.get(code);
    this.authCodes.delete(code);
    return grant !== undefined && grant.expiresAt > Date.now() ? grant : undefined;
  }
}
