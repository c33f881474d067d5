import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/index.js';
import { cliSandbox } from '../support/cli-run.js';

let fake: FakeUpstream;
let userId: string;
before(async () => {
  fake = await startFakeUpstream({ captcha: { enabled: true, c: 4, d: 1 }, bootDelayMs: 5 });
  userId = fake.addUser({ email: 'dev@example.com', password: 'right password', plan: 'pro' }).id;
});
after(() => fake.close());

/** A fresh valid session cookie on the fake. */
const session = (): string => fake.issueSession(userId);
const sandbox = (env: Record<string, string> = {}) =>
  cliSandbox({ RELAYPOOL_UPSTREAM_URL: fake.url, ...env });

function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

function accountsOf(text: string): Array<Record<string, unknown>> {
  const rows = parseJson(text);
  assert.ok(Array.isArray(rows));
  return rows as Array<Record<string, unknown>>;
}

describe('relaypool accounts', () => {
  test('add --cookie accepts every pasted form, validates it upstream and stores it active with its models', async () => {
    using box = sandbox();
    const cookies = [session(), session(), session(), session()];
    const forms = [
      cookies[0]!,
      `monkeycode_ai_session=${cookies[1]}`,
      `Cookie: language=en; monkeycode_ai_session=${cookies[2]}; other=1`,
      `Set-Cookie: monkeycode_ai_session=${cookies[3]}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`,
    ];
    for (const [i, form] of forms.entries()) {
      const result = await box.run('accounts', 'add', '--cookie', form, '--label', `acc${i}`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /added account \d+ \(acc\d\): active, plan pro, \d+ usable models/);
    }
    const list = await box.run('accounts', 'list', '--json');
    assert.equal(list.code, 0);
    const rows = accountsOf(list.stdout);
    assert.equal(rows.length, 4);
    for (const row of rows) assert.equal(row.status, 'active');
    for (const cookie of cookies)
      assert.ok(!list.stdout.includes(cookie), 'list output must not contain a cookie');
    const models = await box.run('models', '--json');
    assert.equal(models.code, 0, models.stderr);
    const names = accountsOf(models.stdout).map((m) => m.id);
    assert.ok(
      names.some((n) => typeof n === 'string' && n.startsWith('monkeycode-pro/')),
      `pro models listed: ${names.join(', ')}`,
    );
    assert.ok(!names.includes('monkeycode-basic'), 'tier placeholders are not models');
  });

  test('a cookie the upstream rejects is not stored: exit 1 with the reason', async () => {
    using box = sandbox();
    const dead = session();
    fake.expireSession(dead);
    const result = await box.run('accounts', 'add', '--cookie', dead);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^relaypool: the upstream rejected this cookie: .*session-expired.*\n$/);
    assert.deepEqual(parseJson((await box.run('accounts', 'list', '--json')).stdout), []);
  });

  test('add --email/--password logs in with the captcha proof-of-work; a wrong password is not stored', async () => {
    using box = sandbox();
    const wrong = await box.run('accounts', 'add', '--email', 'dev@example.com', '--password', 'wrong');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the login: .*bad-credentials/);
    const ok = await box.run('accounts', 'add', '--email', 'dev@example.com', '--password', 'right password');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /added account 1 \(dev@example.com\): active/);
    const logins = fake.requests.filter(
      (r) => r.kind === 'http' && r.path === '/api/v1/users/password-login',
    );
    assert.ok(logins.length >= 2);
    const again = await box.run(
      'accounts',
      'add',
      '--email',
      'DEV@example.com',
      '--password',
      'right password',
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already stored as account 1/);
  });

  test('the same cookie twice, or a taken label, is a one-line error that changes nothing', async () => {
    using box = sandbox();
    const cookie = session();
    assert.equal((await box.run('accounts', 'add', '--cookie', cookie, '--label', 'a')).code, 0);
    const again = await box.run(
      'accounts',
      'add',
      '--cookie',
      `monkeycode_ai_session=${cookie}`,
      '--label',
      'b',
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^relaypool: this cookie is already stored as account 1 \(a\)\n$/);
    const label = await box.run('accounts', 'add', '--cookie', session(), '--label', 'a');
    assert.equal(label.code, 1);
    assert.match(label.stderr, /label already exists/);
    assert.equal(accountsOf((await box.run('accounts', 'list', '--json')).stdout).length, 1);
  });

  test('bad input: exit 2 for usage errors, 1 for a bad cookie; one line on stderr', async () => {
    using box = sandbox();
    const cookie = session();
    const cases: Array<[string[], number]> = [
      [['accounts', 'add'], 2],
      [['accounts', 'add', '--cookie', cookie, '--email', 'a@b.c', '--password', 'x'], 2],
      [['accounts', 'add', '--email', 'a@b.c'], 2],
      [['accounts', 'add', '--cookie', cookie, '--max-concurrency', '0'], 2],
      [['accounts', 'add', '--cookie', 'other=1; x=2'], 1],
      [['accounts', 'add', '--cookie', 'monkeycode_ai_session='], 1],
      [['accounts', 'remove', 'abc'], 2],
      [['accounts', 'remove', '42'], 1],
      [['accounts', 'refresh', '7', '--all'], 1],
      [['accounts', 'frobnicate'], 2],
      [['--no-such-flag'], 2],
    ];
    for (const [argv, code] of cases) {
      const result = await box.run(...argv);
      assert.equal(result.code, code, `${argv.join(' ')} → ${result.code}: ${result.stderr}`);
      assert.ok(result.stderr.length > 0, `${argv.join(' ')} printed nothing on stderr`);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    }
    assert.deepEqual(parseJson((await box.run('accounts', 'list', '--json')).stdout), []);
  });

  test('accounts import of a missing or empty file is a one-line error that changes nothing', async () => {
    using box = sandbox();
    const missing = await box.run('accounts', 'import', 'file.jsonl');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^relaypool: file not found: file\.jsonl\n$/);
    assert.equal(missing.stdout, '');
    writeFileSync(join(box.dir, 'empty.csv'), 'cookie\n');
    const empty = await box.run('accounts', 'import', 'empty.csv');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /holds no account rows/);
    assert.deepEqual(parseJson((await box.run('accounts', 'list', '--json')).stdout), []);
  });

  test('refresh re-validates; an expired cookie account goes expired, a password account logs in again', async () => {
    using box = sandbox();
    const cookie = session();
    assert.equal((await box.run('accounts', 'add', '--cookie', cookie, '--label', 'c')).code, 0);
    assert.equal(
      (await box.run('accounts', 'add', '--email', 'dev@example.com', '--password', 'right password')).code,
      0,
    );
    const fine = await box.run('accounts', 'refresh', '--all');
    assert.equal(fine.code, 0, fine.stderr);
    assert.match(fine.stdout, /account 1 \(c\): session valid/);
    fake.expireAllSessions();
    const after = await box.run('accounts', 'refresh');
    assert.equal(after.code, 1);
    assert.match(after.stdout, /account 1: failed: .*expired/);
    assert.match(after.stdout, /account 2 \(dev@example.com\): logged in again/);
    const rows = accountsOf((await box.run('accounts', 'list', '--json')).stdout);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['expired', 'active'],
    );
  });

  test('discover shows plan, image id, host id and models per account', async () => {
    using box = sandbox();
    assert.equal((await box.run('accounts', 'add', '--cookie', session(), '--label', 'd')).code, 0);
    const result = await box.run('discover', '--json');
    assert.equal(result.code, 0, result.stderr);
    const [row] = accountsOf(result.stdout);
    assert.ok(row);
    assert.equal(row.plan, 'pro');
    assert.equal(row.hostId, 'public_host');
    assert.match(String(row.imageId), /^[0-9a-f-]{36}$/);
    assert.ok(Array.isArray(row.models) && row.models.length > 0);
    const table = await box.run('discover');
    assert.match(table.stdout, /ID\s+LABEL\s+PLAN\s+IMAGE ID\s+HOST ID/);
  });

  test('disable, enable and remove change the account; pool status follows', async () => {
    using box = sandbox();
    await box.run('accounts', 'add', '--cookie', session(), '--label', 'one');
    await box.run('accounts', 'add', '--cookie', session(), '--label', 'two', '--max-concurrency', '3');
    let status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.mode, 'pool');
    assert.equal(status.total, 2);
    assert.equal(status.active, 2);
    assert.equal((await box.run('accounts', 'disable', '1')).code, 0);
    status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.disabled, 1);
    assert.equal(status.active, 1);
    assert.equal((await box.run('accounts', 'enable', '1')).code, 0);
    const removed = await box.run('accounts', 'remove', '2');
    assert.equal(removed.code, 0);
    assert.match(removed.stdout, /removed account 2 \(two\)/);
    status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.mode, 'single');
    assert.equal(status.total, 1);
    const table = await box.run('pool', 'status');
    assert.match(table.stdout, /MODE\s+TOTAL\s+ACTIVE\s+EXPIRED\s+INVALID\s+LOCKED/);
    assert.match(table.stdout, /\n1\s+one\s+active\s+0\/1/);
  });

  test('the database holds no cookie or password in plaintext and the key file is 0600', async () => {
    using box = sandbox({ RELAYPOOL_SECRET_KEY: '' });
    const cookie = session();
    const added = await box.run('accounts', 'add', '--cookie', cookie);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(
      (await box.run('accounts', 'add', '--email', 'dev@example.com', '--password', 'right password')).code,
      0,
    );
    const dataDir = join(box.dir, 'data');
    const keyFile = join(dataDir, 'secret.key');
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, name));
      assert.ok(!bytes.includes(cookie), `${name} contains the cookie`);
      assert.ok(!bytes.includes('right password'), `${name} contains the password`);
    }
  });

  test('help texts exist for every command', async () => {
    using box = sandbox();
    const top = await box.run('--help');
    assert.equal(top.code, 0);
    for (const name of ['serve', 'accounts', 'models', 'discover', 'pool'])
      assert.match(top.stdout, new RegExp(`\\b${name}\\b`));
    const accounts = await box.run('accounts', '--help');
    for (const name of ['add', 'list', 'remove', 'enable', 'disable', 'refresh', 'import'])
      assert.match(accounts.stdout, new RegExp(`\\b${name}\\b`));
    const add = await box.run('accounts', 'add', '--help');
    for (const flag of [
      '--cookie',
      '--email',
      '--password',
      '--label',
      '--max-concurrency',
      '--config',
      '--db',
    ])
      assert.ok(add.stdout.includes(flag), flag);
  });
});
