import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison (hashing first makes the time independent of both lengths). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The one of `candidates` equal to `given`, compared in constant time against every candidate. */
export function matchSecret(given: string, candidates: readonly string[]): string | null {
  let found: string | null = null;
  for (const candidate of candidates) {
    if (sameSecret(given, candidate) && found === null) found = candidate;
  }
  return found;
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S.*)$/i.exec(header ?? '');
  const token = match?.[1]?.trim();
  return token === undefined || token === '' ? null : token;
}
