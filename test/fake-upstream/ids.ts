import { randomBytes, randomUUID } from 'node:crypto';

/** A random UUID v4, as used for session cookies, task ids and user ids. */
export function newUuid(): string {
  return randomUUID();
}

/** `n` random lowercase hex characters. */
export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

/** A trace id like the ones appended to error messages (`[trace_id: 4bf92f3577b34da6]`). */
export function newTraceId(): string {
  return randomHex(16);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `s` parses as a UUID the way Go's `uuid.Parse` accepts the canonical form. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** The all-zero UUID, which fails `required` validation in SRC. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
