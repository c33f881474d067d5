/** The scope of a client API key: a keyed hash, so the key itself is never stored. */
import { createHmac, hkdfSync } from 'node:crypto';

/** HMAC-SHA-256 under a key derived (HKDF) from the master key; same on every backend. */
export function createClientKeyHasher(masterKey: Buffer): (apiKey: string) => string {
  const scopeKey = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), 'relaypool/v1/client-key-scope', 32),
  );
  return (apiKey) => createHmac('sha256', scopeKey).update(apiKey, 'utf8').digest('hex');
}
