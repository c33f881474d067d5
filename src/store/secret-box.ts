/**
 * Encryption of stored secrets. Each value is sealed with AES-256-GCM under a subkey derived from
 * the master key (HKDF-SHA256), with a fresh random 12-byte IV and the field name as additional
 * authenticated data, so a cookie ciphertext moved into the password column fails to open.
 * Sealed text: `v1:` + base64url(iv ‖ tag ‖ ciphertext). Cookie fingerprints are HMAC-SHA256 under
 * a second derived subkey, so duplicates are found without storing or hashing the cookie bare.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** The account columns that hold sealed secrets. */
export type SecretField = 'password' | 'cookie';

const VERSION = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened (wrong key, tampered or moved between fields). */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Seals, opens and fingerprints secrets with keys derived from one master key. */
export interface SecretBox {
  /** Encrypt `plaintext` for storage in `field`. */
  seal(plaintext: string, field: SecretField): string;
  /** Decrypt a value sealed for `field`; throws SecretBoxError when it does not authenticate. */
  open(sealed: string, field: SecretField): string;
  /** Keyed fingerprint (hex HMAC-SHA256) of a cookie value. */
  fingerprint(cookie: string): string;
}

/** Build a SecretBox from a 32-byte master key. */
export function createSecretBox(masterKey: Buffer): SecretBox {
  const encKey = deriveKey(masterKey, 'relaypool/v1/aes-256-gcm');
  const macKey = deriveKey(masterKey, 'relaypool/v1/cookie-fingerprint');
  return {
    seal: (plaintext, field) => seal(encKey, plaintext, field),
    open: (sealed, field) => open(encKey, sealed, field),
    fingerprint: (cookie) => createHmac('sha256', macKey).update(cookie, 'utf8').digest('hex'),
  };
}

function deriveKey(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}

function aad(field: SecretField): Buffer {
  return Buffer.from(`relaypool:accounts.${field}_enc`, 'utf8');
}

function seal(key: Buffer, plaintext: string, field: SecretField): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(field));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function open(key: Buffer, sealed: string, field: SecretField): string {
  if (!sealed.startsWith(VERSION)) throw new SecretBoxError('unknown secret format version');
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('sealed secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aad(field));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    const body = raw.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('sealed secret does not authenticate');
  }
}
