import { z } from 'zod';
import { UpstreamFailure } from '../../errors.js';
import type { CallOptions } from '../../types.js';
import { cleanUpstreamMessage } from '../error-codes.js';
import { parseJson } from '../envelope.js';
import type { MonkeyCodeHttp } from '../http-client.js';
import type { MonkeyCodeDeps } from '../options.js';
import type { CaptchaChallenge } from './pow.js';
import { solveCaptcha } from './solve-captcha.js';

// docs/monkeycode-protocol.md §2.6: the captcha endpoints answer without the usual envelope (challenge 201, redeem 201/500).
const challengeBody = z.object({
  challenge: z.object({ c: z.number().int(), s: z.number().int(), d: z.number().int() }),
  token: z.string().min(1),
});
const redeemBody = z.object({
  success: z.boolean(),
  token: z.string().optional(),
  message: z.string().optional(),
});

/** `POST /api/v1/public/captcha/challenge` → the proof-of-work to solve. */
export async function fetchCaptchaChallenge(
  http: MonkeyCodeHttp,
  options?: CallOptions,
): Promise<CaptchaChallenge> {
  const context = 'captcha challenge';
  const res = await http.exchange(null, {
    method: 'POST',
    path: '/api/v1/public/captcha/challenge',
    context,
    options,
  });
  const json = parseJson(res.body);
  const parsed = json.ok ? challengeBody.safeParse(unwrapData(json.value)) : null;
  if (res.status < 200 || res.status >= 300 || !parsed?.success) {
    throw new UpstreamFailure('captcha', `${context} failed (HTTP ${res.status})`, {
      upstreamCode: res.status,
    });
  }
  const { challenge, token } = parsed.data;
  return { token, count: challenge.c, saltLength: challenge.s, difficulty: challenge.d };
}

/** `POST /api/v1/public/captcha/redeem` → the one-shot `captcha_token` for a login. */
export async function redeemCaptcha(
  http: MonkeyCodeHttp,
  token: string,
  solutions: number[],
  options?: CallOptions,
): Promise<string> {
  const context = 'captcha redeem';
  const body = { token, solutions };
  const res = await http.exchange(null, {
    method: 'POST',
    path: '/api/v1/public/captcha/redeem',
    body,
    context,
    options,
  });
  const json = parseJson(res.body);
  const parsed = json.ok ? redeemBody.safeParse(unwrapData(json.value)) : null;
  if (parsed?.success && parsed.data.success && parsed.data.token) return parsed.data.token;
  const reason =
    parsed?.success && parsed.data.message ? `: ${cleanUpstreamMessage(parsed.data.message)}` : '';
  throw new UpstreamFailure('captcha', `${context} failed (HTTP ${res.status})${reason}`, {
    upstreamCode: res.status,
  });
}

/** Challenge → solve (off the event loop, within the budget) → redeem. */
export async function obtainCaptchaToken(
  http: MonkeyCodeHttp,
  deps: Pick<MonkeyCodeDeps, 'timers' | 'captchaBudgetMs' | 'logger'>,
  options: CallOptions = {},
): Promise<string> {
  const challenge = await fetchCaptchaChallenge(http, options);
  const solveOptions = {
    timers: deps.timers,
    budgetMs: deps.captchaBudgetMs,
    signal: options.signal,
    logger: deps.logger,
  };
  const solutions = await solveCaptcha(challenge, solveOptions);
  deps.logger.debug({ count: solutions.length }, 'captcha solved');
  return redeemCaptcha(http, challenge.token, solutions, options);
}

// Tolerate a server that wraps the captcha answer in the usual envelope after all.
function unwrapData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || 'challenge' in value || 'success' in value) return value;
  return Reflect.get(value, 'data');
}
