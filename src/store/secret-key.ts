/**
 * Where the 32-byte master key comes from. Rules:
 *
 * 1. `secretKey` given: 64 hex characters, or base64 / base64url of exactly 32 bytes, is the raw key.
 *    Any other non-empty string is a passphrase stretched with scrypt (N=2^15, r=8, p=1, fixed
 *    application salt `relaypool/secret-key/v1`), so the same passphrase always opens the same data.
 * 2. Else the key file (default `<dir of db>/secret.key`): read when it exists (must hold a raw key
 *    in hex or base64, else refuse), otherwise created with mode 0600 holding a random key — unless
 *    the database already holds encrypted credentials, which a new key could never open.
 * 3. An in-memory database with neither gets a random per-process key (its data dies with it).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { SecretKeyError } from './errors.js';
import { loadOrCreateKeyFile } from './key-file.js';
import { KEY_BYTES, parseRawKey } from './raw-key.js';

const PASSPHRASE_SALT = 'relaypool/secret-key/v1';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** The master key and a human description of where it came from (for error messages). */
export interface MasterKey {
  key: Buffer;
  source: string;
}

/** Turn a `secretKey` option into the master key: a raw key as-is, anything else through scrypt. */
export function keyFromSecret(secret: string): Buffer {
  const raw = parseRawKey(secret);
  if (raw) return raw;
  const passphrase = secret.trim();
  if (passphrase === '') throw new SecretKeyError('the secret key is empty');
  return scryptSync(passphrase, PASSPHRASE_SALT, KEY_BYTES, SCRYPT);
}

/** Options that decide where the master key comes from. */
export interface KeySourceOptions {
  /** The database path or `:memory:`. */
  file: string;
  secretKey?: string | undefined;
  keyFile?: string | undefined;
  /** False when a new key file must not be created (the database already holds ciphertexts). */
  mayCreateKeyFile?: () => boolean;
}

/** Apply the rules above and return the master key. */
export function resolveMasterKey(options: KeySourceOptions): MasterKey {
  if (options.secretKey !== undefined) {
    return { key: keyFromSecret(options.secretKey), source: 'the configured secret key' };
  }
  if (options.keyFile === undefined && isMemory(options.file)) {
    return { key: randomBytes(KEY_BYTES), source: 'a per-process key (in-memory database)' };
  }
  const path = resolve(options.keyFile ?? join(dirname(options.file), 'secret.key'));
  return { key: loadOrCreateKeyFile(path, options.mayCreateKeyFile), source: `key file ${path}` };
}

/** True for SQLite's in-memory database names. */
export function isMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}
