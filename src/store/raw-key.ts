/** Raw 32-byte keys as text: the spellings accepted for `secretKey` and the key file. */

/** Length of the master key in bytes (AES-256). */
export const KEY_BYTES = 32;

/** Parse a raw key written as 64 hex characters or base64/base64url of 32 bytes; null otherwise. */
export function parseRawKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== KEY_BYTES) return null;
  // Reject non-canonical encodings (stray bits in the last character) so one key has one spelling.
  const canonical = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return decoded.toString('base64').replace(/=+$/, '') === canonical ? decoded : null;
}
