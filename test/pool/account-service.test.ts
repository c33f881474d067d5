import { asyncSqliteStore } from '../../src/store/async-store.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AccountService } from '../../src/pool/account-service.js';
import { importAccounts } from '../../src/pool/account-import.js';
import { parseImportFile } from '../../src/pool/account-import.js';
import { openStore, type Store } from '../../src/store/index.js';
import { captureLogger } from '../support/log-capture.js';
import { addAccount, flush, manualTime, ScriptedAdapter, tempStore, type ManualTime } from './support.js';

function service(
  store: Store,
  adapter: ScriptedAdapter,
  onChange?: (id: number) => void,
  time?: ManualTime,
): AccountService {
  const clock = time ?? { now: Date.now, timers: undefined };
  const service = new AccountService({
    store: asyncSqliteStore(store),
    adapter,
    logger: captureLogger('silent').logger,
    now: clock.now,
    timers: clock.timers,
    loginLockTtlMs: 5_000,
  });
  if (onChange) service.onChange(onChange);
  return service;
}

describe('re-login', () => {
  test('concurrent refreshes of one account share one run (single-flight)', async (t) => {
    const { store } = tempStore(t);
    const a = addAccount(store, { label: 'p', kind: 'password' });
    const adapter = new ScriptedAdapter();
    adapter.dead.add('cookie-p');
    let open!: () => void;
    adapter.loginGate = new Promise<void>((resolve) => (open = resolve));
    const accounts = service(store, adapter);
    const both = Promise.all([accounts.refresh(a.id), accounts.refresh(a.id)]);
    open();
    const [first, second] = await both;
    assert.equal(first, second);
    assert.equal(adapter.logins.length, 1);
    assert.equal(first.reloggedIn, true);
    assert.equal(store.accounts.getSecrets(a.id)?.cookie, 'fresh-p@example.com-1');
    assert.equal(store.accounts.get(a.id)?.state, 'active');
  });

  test('two processes on one database never log the same account in twice (login lock in SQLite)', async (t) => {
    const { store, file } = tempStore(t);
    const other = openStore({ file, secretKey: 'pool-test-key' });
    t.after(() => other.close());
    assert.notEqual(store.instanceId, other.instanceId);
    const a = addAccount(store, { label: 'p', kind: 'password' });
    const adapter = new ScriptedAdapter();
    adapter.dead.add('cookie-p');
    let open!: () => void;
    adapter.loginGate = new Promise<void>((resolve) => (open = resolve));
    const time = manualTime(Date.now());
    const mine = service(store, adapter, undefined, time).refresh(a.id);
    // Let the first process take the lock and start logging in.
    while (adapter.logins.length === 0) await flush();
    assert.equal(store.accounts.loginLockHolder(a.id), store.instanceId);
    const theirs = service(other, adapter, undefined, time).refresh(a.id);
    await flush();
    assert.equal(time.pending(), 1, 'the second process waits for the lock');
    open();
    const x = await mine;
    time.advance(250);
    const y = await theirs;
    assert.equal(adapter.logins.length, 1, 'one login for two processes');
    assert.equal(x.reloggedIn, true);
    assert.equal(y.reloggedIn, false, 'the second process used the session the first one stored');
    assert.equal(store.accounts.loginLockHolder(a.id), null);
  });

  test('a refused password makes the account invalid; a cookie account cannot log in and goes expired', async (t) => {
    const { store } = tempStore(t);
    const p = addAccount(store, { label: 'p', kind: 'password' });
    const c = addAccount(store, { label: 'c' });
    const adapter = new ScriptedAdapter();
    adapter.dead.add('cookie-p');
    adapter.dead.add('cookie-c');
    adapter.loginFailure = 'bad-credentials';
    const accounts = service(store, adapter);
    await assert.rejects(accounts.refresh(p.id), /bad-credentials/);
    await assert.rejects(accounts.refresh(c.id), /paste a fresh cookie/);
    assert.equal(store.accounts.get(p.id)?.state, 'invalid');
    assert.equal(store.accounts.get(c.id)?.state, 'expired');
  });

  test('forceLogin logs in even though the session is still valid (proactive renewal)', async (t) => {
    const { store } = tempStore(t);
    const p = addAccount(store, { label: 'p', kind: 'password' });
    const adapter = new ScriptedAdapter();
    const changed: number[] = [];
    const check = await service(store, adapter, (id) => changed.push(id)).refresh(p.id, { forceLogin: true });
    assert.equal(check.reloggedIn, true);
    assert.equal(adapter.logins.length, 1);
    assert.ok(changed.includes(p.id), 'the pool is told');
  });
});

describe('import', () => {
  test('adds new rows, updates stored cookies and emails, and a bad row never stops the others', async (t) => {
    const { store } = tempStore(t);
    const adapter = new ScriptedAdapter();
    const accounts = service(store, adapter);
    await accounts.addCookie('known-cookie-value', { label: 'known' });
    await accounts.addPassword('old@example.com', 'old-pw');
    const source = [
      '{"cookie": "new-cookie-value", "label": "fresh", "max_concurrency": 2}',
      '{"cookie": "known-cookie-value", "max_concurrency": 3}',
      '{"email": "old@example.com", "password": "new-pw", "label": "renamed"}',
      'not json',
      '{"email": "x@example.com"}',
      '{"cookie": "dead-cookie-value"}',
      '{"email": "new@example.com", "password": "pw"}',
    ].join('\n');
    adapter.dead.add('dead-cookie-value');
    const progress: number[] = [];
    const summary = await importAccounts(accounts, parseImportFile(source, 'rows.jsonl'), {
      onProgress: (done) => progress.push(done),
    });
    assert.equal(summary.added, 2);
    assert.equal(summary.updated, 2);
    assert.deepEqual(
      summary.failed.map((f) => f.line),
      [4, 5, 6],
    );
    assert.match(summary.failed[0]!.reason, /not valid JSON/);
    assert.match(summary.failed[1]!.reason, /needs both `email` and `password`/);
    assert.match(summary.failed[2]!.reason, /session-expired/);
    assert.ok(!summary.failed.some((f) => f.reason.includes('dead-cookie-value')), 'no secret in a reason');
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7]);
    const byLabel = new Map(store.accounts.list().map((a) => [a.label, a]));
    assert.equal(byLabel.get('fresh')?.maxConcurrency, 2);
    assert.equal(byLabel.get('known')?.maxConcurrency, 3);
    assert.equal(byLabel.get('renamed')?.email, 'old@example.com');
    assert.equal(store.accounts.getSecrets(byLabel.get('renamed')!.id)?.password, 'new-pw');
    assert.equal(store.accounts.list().length, 4);
  });

  test('a new password for a stored email is kept only when the upstream accepts it', async (t) => {
    const { store } = tempStore(t);
    const adapter = new ScriptedAdapter();
    const accounts = service(store, adapter);
    const { account } = await accounts.addPassword('a@example.com', 'good');
    adapter.loginFailure = 'bad-credentials';
    const summary = await importAccounts(
      accounts,
      parseImportFile('email,password\na@example.com,wrong\n', 'rows.csv'),
    );
    assert.equal(summary.failed.length, 1);
    assert.equal(store.accounts.getSecrets(account.id)?.password, 'good');
  });
});
