/**
 * The key file: one raw 32-byte key in hex, created 0600. Creation is atomic and race-free: the key
 * is written and fsynced to a private temporary file (opened `wx`), then published with link(2),
 * which fails with EEXIST when another process won — the loser reads the winner's key, so every
 * process that starts at once ends with the same key and no one ever sees a half-written file.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { SecretKeyError } from './errors.js';
import { KEY_BYTES, parseRawKey } from './raw-key.js';

const KEY_FILE_MODE = 0o600;

/**
 * Read the key in `path`, creating the file with a random key when it does not exist.
 * `mayCreate` is asked first: it refuses when existing data needs the missing key.
 */
export function loadOrCreateKeyFile(path: string, mayCreate: () => boolean = () => true): Buffer {
  const existing = readKeyFile(path);
  if (existing) return existing;
  if (!mayCreate()) {
    throw new SecretKeyError(
      `key file ${path} does not exist, but the database holds encrypted credentials: restore the ` +
        'key file, or configure the secret key they were written with',
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  return publishKeyFile(path, key) ? key : mustReadKeyFile(path);
}

/** The key in `path`; null when the file does not exist; SecretKeyError when it is malformed. */
function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw new SecretKeyError(`cannot read key file ${path}: ${errorCode(err) ?? 'unknown error'}`);
  }
  const key = parseRawKey(text);
  if (!key) {
    throw new SecretKeyError(
      `key file ${path} is malformed: it must hold a 32-byte key as 64 hex characters or base64 ` +
        '(restore the original file; a new key cannot decrypt existing accounts)',
    );
  }
  return key;
}

function mustReadKeyFile(path: string): Buffer {
  const key = readKeyFile(path);
  if (!key) throw new SecretKeyError(`key file ${path} vanished while it was being created`);
  return key;
}

/** Atomically create `path` holding `key`. False when another process created it first. */
function publishKeyFile(path: string, key: Buffer): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writePrivateFile(temp, `${key.toString('hex')}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    if (!isLinkUnsupported(err)) throw err;
    return writeExclusive(path, key);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Fallback for filesystems without hard links: exclusive create of the final path. */
function writeExclusive(path: string, key: Buffer): boolean {
  try {
    writePrivateFile(path, `${key.toString('hex')}\n`);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
}

function writePrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isLinkUnsupported(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS';
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
