import { createHash } from 'node:crypto';
import { z } from 'zod';
import { randomHex } from '../ids.js';
import type { CaptchaOptions } from '../options.js';
import { verifySolutions, type ChallengeParams } from './go-cap.js';

/** A challenge the fake issued and has not consumed yet. */
export interface ChallengeRecord {
  token: string;
  params: ChallengeParams;
  /** Unix seconds. */
  expires: number;
}

/** Result of a redeem: go-cap's success or error text. */
export type RedeemResult = { ok: true; token: string; expires: number } | { ok: false; message: string };

const redeemBody = z.object({
  token: z.string().nullable().optional(),
  solutions: z.array(z.number().int()).nullable().optional(),
});

function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * go-cap semantics (docs/captcha-pow.md §1, §4): 25-hex challenge tokens, one redeem attempt per
 * challenge, `<id>:<vertoken>` captcha tokens stored hashed and valid for exactly one login.
 */
export class CaptchaService {
  readonly challenges = new Map<string, ChallengeRecord>();
  /** Key `id:sha256(vertoken)` → expiry (Unix seconds). */
  readonly tokens = new Map<string, number>();

  constructor(private readonly config: Required<CaptchaOptions>) {}

  /** Issues a challenge: `{challenge:{c,s,d}, token, expires}`. */
  createChallenge(): ChallengeRecord {
    const { c, s, d } = this.config;
    const record = {
      token: randomHex(25),
      params: { c, s, d },
      expires: nowSeconds() + this.config.challengeTtlS,
    };
    this.challenges.set(record.token, record);
    return record;
  }

  /** Redeems `{token, solutions}` (the raw parsed JSON body). */
  redeem(body: unknown): RedeemResult {
    const parsed = redeemBody.safeParse(body);
    if (!parsed.success) return { ok: false, message: 'invalid challenge body' };
    const token = parsed.data.token ?? '';
    const solutions = parsed.data.solutions ?? [];
    if (!this.config.enabled) return this.issueToken();
    if (token.length !== 25) return { ok: false, message: 'invalid challenge body' };
    if (solutions.length < this.config.c) return { ok: false, message: 'invalid solutions' };
    const record = this.challenges.get(token);
    this.challenges.delete(token);
    if (record === undefined || record.expires < nowSeconds())
      return { ok: false, message: 'challenge expired' };
    if (!verifySolutions(token, solutions, record.params)) return { ok: false, message: 'invalid solutions' };
    return this.issueToken();
  }

  /** Checks and consumes a captcha token (`tokenVerifyOnce`). */
  consumeToken(captchaToken: string): boolean {
    const parts = captchaToken.split(':');
    if (parts.length !== 2 || parts[0] === undefined || parts[1] === undefined) return false;
    const key = `${parts[0]}:${sha256hex(parts[1])}`;
    const expires = this.tokens.get(key);
    if (expires === undefined) return false;
    this.tokens.delete(key);
    return expires >= nowSeconds();
  }

  private issueToken(): RedeemResult {
    const id = randomHex(8);
    const vertoken = randomHex(15);
    const expires = nowSeconds() + this.config.tokenTtlS;
    this.tokens.set(`${id}:${sha256hex(vertoken)}`, expires);
    return { ok: true, token: `${id}:${vertoken}`, expires };
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
