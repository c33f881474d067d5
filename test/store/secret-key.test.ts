import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SecretKeyError, keyFromSecret, openStore } from '../../src/store/index.js';
import { loadOrCreateKeyFile } from '../../src/store/key-file.js';
import { parseRawKey } from '../../src/store/raw-key.js';
import { openTempStore, tempDir } from './temp-store.js';

const CHILD = fileURLToPath(new URL('./fixtures/create-key-file.ts', import.meta.url));

test('raw keys: 64 hex chars, base64 and base64url of 32 bytes; nothing else', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseRawKey(key.toString('hex')), key);
  assert.deepEqual(parseRawKey(key.toString('hex').toUpperCase()), key);
  assert.deepEqual(parseRawKey(key.toString('base64')), key);
  assert.deepEqual(parseRawKey(key.toString('base64url')), key);
  assert.deepEqual(parseRawKey(`  ${key.toString('base64')}\n`), key);
  assert.equal(parseRawKey(key.subarray(0, 31).toString('hex')), null);
  assert.equal(parseRawKey(randomBytes(33).toString('base64')), null);
  assert.equal(parseRawKey('correct horse battery staple'), null);
  // Non-canonical base64 (stray low bits in the last char) is not a second spelling of a key.
  const b64 = Buffer.alloc(32).toString('base64');
  assert.equal(parseRawKey(`${b64.slice(0, 42)}B=`), null);
});

test('secretKey: hex and base64 of the same bytes are the same key; passphrases go through scrypt', () => {
  const key = randomBytes(32);
  assert.deepEqual(keyFromSecret(key.toString('hex')), key);
  assert.deepEqual(keyFromSecret(key.toString('base64')), key);
  const a = keyFromSecret('correct horse battery staple');
  assert.equal(a.length, 32);
  assert.deepEqual(keyFromSecret('correct horse battery staple'), a);
  assert.notDeepEqual(keyFromSecret('correct horse battery stapler'), a);
  assert.throws(() => keyFromSecret('   '), SecretKeyError);
});

test('a store written with a hex secretKey opens with the base64 spelling, and no key file is made', (t) => {
  const key = randomBytes(32);
  const { store, dir, file } = openTempStore(t, { secretKey: key.toString('hex') });
  const { id } = store.accounts.add({ kind: 'password', email: 'a@example.com', password: 'pw-1' });
  store.close();
  const again = openStore({ file, secretKey: key.toString('base64') });
  t.after(() => again.close());
  assert.deepEqual(again.accounts.getSecrets(id), { password: 'pw-1', cookie: null });
  assert.throws(() => statSync(join(dir, 'secret.key')), { code: 'ENOENT' });
});

test('a passphrase secretKey reopens its data', (t) => {
  const { store, file } = openTempStore(t, { secretKey: 'a long operator passphrase' });
  const { id } = store.accounts.add({ kind: 'cookie', cookie: 'session-value' });
  store.close();
  const again = openStore({ file, secretKey: 'a long operator passphrase' });
  t.after(() => again.close());
  assert.equal(again.accounts.getSecrets(id)?.cookie, 'session-value');
});

test('the key file is created 0600 next to the database and reused on reopen', (t) => {
  const { store, dir, file } = openTempStore(t);
  const { id } = store.accounts.add({ kind: 'cookie', cookie: 'session-value' });
  store.close();
  const keyFile = join(dir, 'secret.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const text = readFileSync(keyFile, 'utf8');
  assert.match(text, /^[0-9a-f]{64}\n$/);
  const again = openStore({ file });
  t.after(() => again.close());
  assert.equal(again.accounts.getSecrets(id)?.cookie, 'session-value');
  assert.equal(readFileSync(keyFile, 'utf8'), text);
});

test('an explicit keyFile path is honoured', (t) => {
  const dir = tempDir(t);
  const keyFile = join(dir, 'keys', 'relaypool.key');
  openTempStore(t, { dir, keyFile });
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.throws(() => statSync(join(dir, 'secret.key')), { code: 'ENOENT' });
});

test('a malformed key file is refused and left untouched', (t) => {
  const dir = tempDir(t);
  const keyFile = join(dir, 'secret.key');
  writeFileSync(keyFile, 'not a key\n', { mode: 0o600 });
  assert.throws(
    () => openStore({ file: join(dir, 'relaypool.db') }),
    (err: unknown) =>
      err instanceof SecretKeyError && err.message.includes(keyFile) && /malformed/.test(err.message),
  );
  assert.equal(readFileSync(keyFile, 'utf8'), 'not a key\n');
});

test('a missing key file is not silently replaced while the database holds ciphertexts', (t) => {
  const { store, dir, file } = openTempStore(t);
  store.accounts.add({ kind: 'cookie', cookie: 'session-value' });
  store.close();
  const keyFile = join(dir, 'secret.key');
  rmSync(keyFile);
  assert.throws(
    () => openStore({ file }),
    (err: unknown) =>
      err instanceof SecretKeyError && err.message.includes(keyFile) && /restore/.test(err.message),
  );
  assert.throws(() => statSync(keyFile), { code: 'ENOENT' });
});

test('concurrent creators of the key file all end with the same key', async (t) => {
  const dir = tempDir(t);
  const keyFile = join(dir, 'secret.key');
  const startAt = Date.now() + 1500;
  const children = Array.from({ length: 6 }, () => runChild(keyFile, startAt));
  const digests = await Promise.all(children);
  assert.equal(new Set(digests).size, 1, `children saw different keys: ${digests.join(', ')}`);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(createHash('sha256').update(loadOrCreateKeyFile(keyFile)).digest('hex'), digests[0]);
  assert.deepEqual(readdirSync(dir), ['secret.key'], 'no temporary files are left behind');
});

test('the wrong key gives a SecretKeyError naming the account, not a crypto crash', (t) => {
  const { store, file } = openTempStore(t, { secretKey: randomBytes(32).toString('hex') });
  const { id } = store.accounts.add({ kind: 'cookie', cookie: 'session-value', label: 'alice' });
  store.close();
  const wrong = openStore({ file, secretKey: randomBytes(32).toString('hex') });
  t.after(() => wrong.close());
  assert.equal(wrong.accounts.get(id)?.label, 'alice');
  assert.throws(
    () => wrong.accounts.getSecrets(id),
    (err: unknown) =>
      err instanceof SecretKeyError &&
      err.accountId === id &&
      err.message.includes(`account ${id} (alice)`) &&
      err.message.includes('different secret key'),
  );
});

function runChild(keyFile: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, keyFile, String(startAt)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}
