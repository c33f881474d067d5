/** The accounts row as SQLite returns it, parsed into the public `Account` view. */
import { z } from 'zod';
import { ACCOUNT_KINDS, ACCOUNT_STATES, type Account } from './account-types.js';
import { sqlBool, sqlInt, sqlIntOrNull, sqlTextOrNull } from './sql-types.js';

/**
 * The SELECT list for public reads. Ciphertexts and fingerprints are not selected at all, only
 * whether they exist, so ordinary reads never move secret material out of SQLite.
 */
export const ACCOUNT_COLUMNS = `
  id, label, kind, email, enabled, state,
  password_enc IS NOT NULL AS has_password, cookie_enc IS NOT NULL AS has_cookie,
  cookie_obtained_at, cookie_expires_at, max_concurrency, cooldown_until, last_error,
  last_checked_at, upstream_user_id, upstream_user_name, plan, created_at, updated_at, upstream`;

/** Parses one row selected with ACCOUNT_COLUMNS. */
export const accountRow = z
  .object({
    id: sqlInt,
    label: z.string(),
    kind: z.enum(ACCOUNT_KINDS),
    email: sqlTextOrNull,
    enabled: sqlBool,
    state: z.enum(ACCOUNT_STATES),
    has_password: sqlBool,
    has_cookie: sqlBool,
    cookie_obtained_at: sqlIntOrNull,
    cookie_expires_at: sqlIntOrNull,
    max_concurrency: sqlIntOrNull,
    cooldown_until: sqlIntOrNull,
    last_error: sqlTextOrNull,
    last_checked_at: sqlIntOrNull,
    upstream_user_id: sqlTextOrNull,
    upstream_user_name: sqlTextOrNull,
    plan: sqlTextOrNull,
    created_at: sqlInt,
    updated_at: sqlInt,
    upstream: z.string(),
  })
  .transform((row): Account => ({
    id: row.id,
    label: row.label,
    kind: row.kind,
    email: row.email,
    enabled: row.enabled,
    state: row.state,
    status: row.enabled ? row.state : 'disabled',
    hasPassword: row.has_password,
    hasCookie: row.has_cookie,
    cookieObtainedAt: row.cookie_obtained_at,
    cookieExpiresAt: row.cookie_expires_at,
    maxConcurrency: row.max_concurrency,
    cooldownUntil: row.cooldown_until,
    lastError: row.last_error,
    lastCheckedAt: row.last_checked_at,
    upstreamUserId: row.upstream_user_id,
    upstreamUserName: row.upstream_user_name,
    plan: row.plan,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    upstream: row.upstream,
  }));

/** The sealed secret columns, read only by `getSecrets`. */
export const secretRow = z.object({
  label: z.string(),
  password_enc: sqlTextOrNull,
  cookie_enc: sqlTextOrNull,
});
