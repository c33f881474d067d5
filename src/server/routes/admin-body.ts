import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidRequestError, NotFoundError, UserError } from '../../util/errors.js';
import { readJson } from '../read-json.js';

/** Deepest JSON nesting an admin body may have (admin bodies are flat; this stops pathological input early). */
const MAX_DEPTH = 8;

function depthOf(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, limit - 1));
  return deepest + 1;
}

function fieldOf(issue: z.core.$ZodIssue): string | null {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return issue.path.length === 0 ? null : issue.path.map(String).join('.');
}

/**
 * Parse an admin request body strictly: JSON, at most `MAX_DEPTH` deep, matching `schema` (a zod
 * `strictObject`, so unknown fields are rejected). Any failure is a 400 naming the field. With
 * `optional`, an empty body counts as `{}`.
 */
export async function readAdminBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  options: { optional?: boolean } = {},
): Promise<T> {
  let raw: unknown = {};
  if (!options.optional || (await c.req.text()).trim() !== '') raw = await readJson(c);
  if (depthOf(raw, MAX_DEPTH + 1) > MAX_DEPTH) {
    throw new InvalidRequestError(`the request body is nested more than ${MAX_DEPTH} levels deep`, {
      code: 'invalid_json',
    });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? null : fieldOf(issue);
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''}: ${field ?? ''}`
      : `${field ?? 'body'}: ${issue?.message ?? 'invalid'}`;
  throw new InvalidRequestError(message, { code: 'invalid_request', param: field });
}

/** A positive integer `:id` path parameter (404 otherwise: no such account). */
export function accountIdParam(c: Context): number {
  const text = c.req.param('id') ?? '';
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1)
    throw new NotFoundError(`no account with id '${text}'`, { code: 'account_not_found' });
  return Number(text);
}

/**
 * Run an account operation; a refusal the service reports as a `UserError` (upstream rejected the
 * cookie or password, already stored, …) becomes a 400 with `code`.
 */
export async function asAdminResult<T>(work: () => Promise<T> | T, code = 'account_rejected'): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UserError) throw new InvalidRequestError(err.message, { code });
    throw err;
  }
}

const label = z
  .string({ error: 'expected a string' })
  .trim()
  .min(1, 'expected a non-empty string')
  .max(200, 'expected at most 200 characters');
const maxConcurrency = z
  .number({ error: 'expected an integer 1-64' })
  .int('expected an integer 1-64')
  .min(1, 'expected an integer 1-64')
  .max(64, 'expected an integer 1-64');
const secret = (what: string) =>
  z
    .string({ error: `expected the ${what} as a string` })
    .min(1, `expected a non-empty ${what}`)
    .max(4096, `expected at most 4096 characters`);

/** `POST /admin/session` and the cookie form of `POST /admin/accounts`. */
export const sessionBody = z.strictObject({
  cookie: secret('cookie'),
  label: label.optional(),
  maxConcurrency: maxConcurrency.optional(),
});

/** `POST /admin/accounts`: a cookie, or an email and a password. */
export const newAccountBody = z.strictObject({
  cookie: secret('cookie').optional(),
  email: z.email({ error: 'expected an email address' }).max(320).optional(),
  password: secret('password').optional(),
  label: label.optional(),
  maxConcurrency: maxConcurrency.optional(),
});

/** `PATCH /admin/accounts/:id`. */
export const accountPatchBody = z
  .strictObject({
    label: label.optional(),
    maxConcurrency: maxConcurrency.nullable().optional(),
    enabled: z.boolean({ error: 'expected true or false' }).optional(),
  })
  .refine(
    (body) => body.label !== undefined || body.maxConcurrency !== undefined || body.enabled !== undefined,
    {
      message: 'give at least one of label, maxConcurrency, enabled',
    },
  );

/** Bodies of POST endpoints that take no parameters: empty or `{}`. */
export const emptyBody = z.strictObject({});

// Phone numbers as Baizhi takes them: digits, optionally a leading `+` (passed on as typed).
const phone = z
  .string({ error: 'expected a phone number as a string' })
  .trim()
  .regex(/^\+?[0-9]{6,20}$/, 'expected a phone number (digits, optional leading +)');
const smsCode = z
  .string({ error: 'expected the SMS code as a string' })
  .trim()
  .regex(/^[0-9A-Za-z]{4,10}$/, 'expected the 4-10 character SMS code');

/** `POST /admin/login/send-code`. */
export const sendCodeBody = z.strictObject({
  phone,
  label: label.optional(),
  maxConcurrency: maxConcurrency.optional(),
});

/** `POST /admin/login/verify`: the login id from send-code, or the phone number (its newest pending login), or both. */
export const verifyBody = z
  .strictObject({
    loginId: z
      .string({ error: 'expected the loginId from send-code' })
      .min(1, 'expected the loginId from send-code')
      .max(100)
      .optional(),
    phone: phone.optional(),
    code: smsCode,
    label: label.optional(),
    maxConcurrency: maxConcurrency.optional(),
  })
  .refine((body) => body.loginId !== undefined || body.phone !== undefined, {
    message: 'give loginId or phone',
    path: ['loginId'],
  });

/** `POST /admin/login/callback`: the URL the browser reached after authorizing. */
export const callbackBody = z.strictObject({
  url: z
    .string({ error: 'expected the callback URL as a string' })
    .min(1, 'expected a non-empty URL')
    .max(8192, 'expected at most 8192 characters'),
  label: label.optional(),
  maxConcurrency: maxConcurrency.optional(),
});
