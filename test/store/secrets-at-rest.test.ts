import assert from 'node:assert/strict';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { SecretKeyError } from '../../src/store/index.js';
import { openTempStore, readAllFiles } from './temp-store.js';

const PASSWORD = 'Pw-ZEBRA-7f3a91c2-correct-horse';
const COOKIE = 'MTc1MjAwMDAwMHxDb29raWVWYWx1ZS1RVUFHR0EtOWQ4YzE';
const NEW_COOKIE = 'MTc1MjAwMDAwMXxTZWNvbmRDb29raWUtUExBVFlQVVMtMDAx';

/** Every spelling of a secret that would betray it on disk. */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].map((s) =>
    s.replace(/=+$/, ''),
  );
}

function assertNoPlaintext(dir: string, when: string): void {
  const files = readAllFiles(dir);
  assert.ok(files.size > 0);
  for (const [name, bytes] of files) {
    const text = bytes.toString('latin1');
    for (const secret of [PASSWORD, COOKIE, NEW_COOKIE]) {
      for (const spelling of spellings(secret)) {
        assert.ok(!text.includes(spelling), `${when}: ${name} contains a secret (${spelling.slice(0, 8)}…)`);
      }
    }
  }
}

test('no secret appears in plaintext in the database, its WAL or any other file', (t) => {
  const { store, dir } = openTempStore(t);
  const a = store.accounts.add({
    kind: 'password',
    email: 'zebra@example.com',
    password: PASSWORD,
    cookie: COOKIE,
  });
  store.accounts.setCookie(a.id, NEW_COOKIE);
  store.accounts.update(a.id, { state: 'active' });
  assert.deepEqual(store.accounts.getSecrets(a.id), { password: PASSWORD, cookie: NEW_COOKIE });
  assertNoPlaintext(dir, 'while open');
  assert.ok(readAllFiles(dir).has('relaypool.db-wal'), 'the WAL file was inspected');
  store.close();
  assertNoPlaintext(dir, 'after close');
});

test('the same secret encrypts differently each time (random IV)', (t) => {
  const { store, file } = openTempStore(t);
  store.accounts.add({ kind: 'password', email: 'a@example.com', password: PASSWORD });
  store.accounts.add({ kind: 'password', email: 'b@example.com', password: PASSWORD });
  const db = new Sqlite(file, { readonly: true });
  t.after(() => db.close());
  const sealed = db.prepare('SELECT password_enc FROM accounts ORDER BY id').pluck().all().map(String);
  assert.equal(sealed.length, 2);
  assert.notEqual(sealed[0], sealed[1]);
  for (const value of sealed) assert.match(value, /^v1:[A-Za-z0-9_-]+$/);
});

test('a cookie ciphertext moved into the password column does not decrypt (field-bound AAD)', (t) => {
  const { store, file } = openTempStore(t);
  const a = store.accounts.add({
    kind: 'password',
    email: 'a@example.com',
    password: PASSWORD,
    cookie: COOKIE,
  });
  const db = new Sqlite(file);
  t.after(() => db.close());
  db.prepare('UPDATE accounts SET password_enc = cookie_enc WHERE id = ?').run(a.id);
  assert.throws(
    () => store.accounts.getSecrets(a.id),
    (err: unknown) => err instanceof SecretKeyError && err.accountId === a.id && /password/.test(err.message),
  );
});
