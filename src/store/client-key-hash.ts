/** The hash of a client API key that scopes its conversations and usage; the key itself is never stored. */
import { createHmac, hkdfSync } from 'node:crypto';

/** HMAC-SHA-256 under a key derived (HKDF) from the master key; same on every backend. */
export function createClientKeyHasher(masterKey: Buffer): (apiKey: string) => string {
  // The HKDF label keeps its first name: stored hashes must stay the same.
  const hashKey = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), 'relaypool/v1/client-key-scope', 32),
  );
  return (apiKey) => createHmac('sha256', hashKey).update(apiKey, 'utf8').digest('hex');
}
