import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliSandbox } from '../support/cli-run.js';

const COOKIE = '6f0d6f8e-2a8e-4b7c-9e51-3c1f4a2b9d10';

function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

describe('relaypool accounts', () => {
  test('add --cookie accepts every pasted form and stores the account as unverified', async () => {
    using box = cliSandbox();
    const forms = [
      COOKIE,
      `monkeycode_ai_session=${COOKIE.replace('6f', '7f')}`,
      `Cookie: language=en; monkeycode_ai_session=${COOKIE.replace('6f', '8f')}; other=1`,
      `Set-Cookie: monkeycode_ai_session=${COOKIE.replace('6f', '9f')}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`,
    ];
    for (const [i, form] of forms.entries()) {
      const result = await box.run('accounts', 'add', '--cookie', form, '--label', `acc${i}`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /added account \d+ \(acc\d\), state unverified/);
    }
    const list = await box.run('accounts', 'list', '--json');
    assert.equal(list.code, 0);
    const rows = parseJson(list.stdout);
    assert.ok(Array.isArray(rows));
    assert.equal(rows.length, 4);
    for (const row of rows) assert.equal((row as { status: string }).status, 'unverified');
    assert.ok(!list.stdout.includes(COOKIE.slice(2)), 'list output must not contain the cookie');
  });

  test('the same cookie twice, or a taken label, is a one-line error that changes nothing', async () => {
    using box = cliSandbox();
    assert.equal((await box.run('accounts', 'add', '--cookie', COOKIE, '--label', 'a')).code, 0);
    const again = await box.run('accounts', 'add', '--cookie', `monkeycode_ai_session=${COOKIE}`, '--label', 'b');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^relaypool: .*already exists.*\n$/);
    const label = await box.run('accounts', 'add', '--cookie', COOKIE.replace('6f', '5f'), '--label', 'a');
    assert.equal(label.code, 1);
    const rows = parseJson((await box.run('accounts', 'list', '--json')).stdout);
    assert.ok(Array.isArray(rows) && rows.length === 1);
  });

  test('bad input: exit 2 for usage errors, 1 for a bad cookie; one line on stderr', async () => {
    using box = cliSandbox();
    const cases: Array<[string[], number]> = [
      [['accounts', 'add'], 2],
      [['accounts', 'add', '--cookie', COOKIE, '--email', 'a@b.c', '--password', 'x'], 2],
      [['accounts', 'add', '--email', 'a@b.c'], 2],
      [['accounts', 'add', '--cookie', COOKIE, '--max-concurrency', '0'], 2],
      [['accounts', 'add', '--cookie', 'other=1; x=2'], 1],
      [['accounts', 'add', '--cookie', 'monkeycode_ai_session='], 1],
      [['accounts', 'remove', 'abc'], 2],
      [['accounts', 'remove', '42'], 1],
      [['accounts', 'frobnicate'], 2],
      [['--no-such-flag'], 2],
    ];
    for (const [argv, code] of cases) {
      const result = await box.run(...argv);
      assert.equal(result.code, code, `${argv.join(' ')} → ${result.code}: ${result.stderr}`);
      assert.ok(result.stderr.length > 0, `${argv.join(' ')} printed nothing on stderr`);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    }
    const rows = parseJson((await box.run('accounts', 'list', '--json')).stdout);
    assert.deepEqual(rows, []);
  });

  test('password accounts and upstream commands say honestly they are not available yet', async () => {
    using box = cliSandbox();
    for (const argv of [
      ['accounts', 'add', '--email', 'a@b.c', '--password', 'pw'],
      ['accounts', 'refresh', '--all'],
      ['accounts', 'import', 'file.jsonl'],
      ['models'],
      ['discover', '--json'],
    ]) {
      const result = await box.run(...argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.stderr, /not available yet/);
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(parseJson((await box.run('accounts', 'list', '--json')).stdout), []);
  });

  test('disable, enable and remove change the account; pool status follows', async () => {
    using box = cliSandbox();
    await box.run('accounts', 'add', '--cookie', COOKIE, '--label', 'one');
    await box.run('accounts', 'add', '--cookie', COOKIE.replace('6f', '5f'), '--label', 'two', '--max-concurrency', '3');
    let status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.mode, 'pool');
    assert.equal(status.total, 2);
    assert.equal(status.unverified, 2);
    assert.equal((await box.run('accounts', 'disable', '1')).code, 0);
    status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.disabled, 1);
    assert.equal(status.unverified, 1);
    assert.equal((await box.run('accounts', 'enable', '1')).code, 0);
    const removed = await box.run('accounts', 'remove', '2');
    assert.equal(removed.code, 0);
    assert.match(removed.stdout, /removed account 2 \(two\)/);
    status = parseJson((await box.run('pool', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(status.mode, 'single');
    assert.equal(status.total, 1);
    const table = await box.run('pool', 'status');
    assert.match(table.stdout, /MODE\s+TOTAL\s+ACTIVE\s+EXPIRED\s+INVALID\s+LOCKED/);
    assert.match(table.stdout, /\n1\s+one\s+unverified\s+0\/1/);
  });

  test('the database holds no cookie in plaintext and the key file is 0600', async () => {
    using box = cliSandbox({ RELAYPOOL_SECRET_KEY: '' });
    assert.equal((await box.run('accounts', 'add', '--cookie', COOKIE)).code, 0);
    const dataDir = join(box.dir, 'data');
    assert.ok(existsSync(join(dataDir, 'secret.key')));
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, name));
      assert.ok(!bytes.includes(COOKIE), `${name} contains the cookie`);
    }
  });

  test('help texts exist for every command', async () => {
    using box = cliSandbox();
    const top = await box.run('--help');
    assert.equal(top.code, 0);
    for (const name of ['serve', 'accounts', 'models', 'discover', 'pool']) assert.match(top.stdout, new RegExp(`\\b${name}\\b`));
    const accounts = await box.run('accounts', '--help');
    for (const name of ['add', 'list', 'remove', 'enable', 'disable', 'refresh', 'import']) assert.match(accounts.stdout, new RegExp(`\\b${name}\\b`));
    const add = await box.run('accounts', 'add', '--help');
    for (const flag of ['--cookie', '--email', '--password', '--label', '--max-concurrency', '--config', '--db']) assert.ok(add.stdout.includes(flag), flag);
  });
});
