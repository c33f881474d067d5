import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/index.js';
import { cliSandbox } from '../support/cli-run.js';

let fake: FakeUpstream;
let userId: string;
before(async () => {
  fake = await startFakeUpstream({ captcha: { enabled: true, c: 4, d: 1 }, bootDelayMs: 5 });
  userId = fake.addUser({ email: 'dev@example.com', password: 'right password', plan: 'pro' }).id;
  fake.addUser({ email: 'ops@example.com', password: 'ops pw', plan: 'basic' });
});
after(() => fake.close());

const sandbox = () => cliSandbox({ RELAYPOOL_UPSTREAM_URL: fake.url });

function rows(text: string): Array<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(text);
  assert.ok(Array.isArray(parsed));
  return parsed as Array<Record<string, unknown>>;
}

describe('relaypool accounts import', () => {
  test('JSONL: adds cookie and password rows, reports each bad row with its reason, and exits 1 when some failed', async () => {
    using box = sandbox();
    const dead = fake.issueSession(userId);
    fake.expireSession(dead);
    const good = fake.issueSession(userId);
    const file = join(box.dir, 'accounts.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ cookie: `monkeycode_ai_session=${good}`, label: 'from-cookie', max_concurrency: 2 }),
        JSON.stringify({ email: 'ops@example.com', password: 'ops pw' }),
        JSON.stringify({ email: 'dev@example.com', password: 'not-the-pass' }),
        '{ broken',
        JSON.stringify({ cookie: dead }),
      ].join('\n'),
    );
    const result = await box.run('accounts', 'import', 'accounts.jsonl');
    assert.equal(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), 'added 2, updated 0, failed 3');
    assert.match(lines[0]!, /^line 3: dev@example\.com: the upstream refused the login: .*bad-credentials/);
    assert.match(lines[1]!, /^line 4: not valid JSON$/);
    assert.match(lines[2]!, /^line 5: cookie: the upstream rejected this cookie: .*session-expired/);
    assert.match(result.stderr, /^relaypool: 3 rows of accounts\.jsonl could not be imported\n$/);
    assert.ok(
      !result.stdout.includes(dead) && !result.stdout.includes('not-the-pass'),
      'no secret is echoed',
    );
    const list = rows((await box.run('accounts', 'list', '--json')).stdout);
    assert.deepEqual(
      list.map((a) => [a.label, a.status, a.maxConcurrency]),
      [
        ['from-cookie', 'active', 2],
        ['ops@example.com', 'active', 1],
      ],
    );
  });

  test('CSV: an already-stored cookie or email updates instead of failing (exit 0)', async () => {
    using box = sandbox();
    const cookie = fake.issueSession(userId);
    assert.equal((await box.run('accounts', 'add', '--cookie', cookie, '--label', 'first')).code, 0);
    assert.equal(
      (await box.run('accounts', 'add', '--email', 'ops@example.com', '--password', 'ops pw')).code,
      0,
    );
    writeFileSync(
      join(box.dir, 'again.csv'),
      `cookie,email,password,label,max_concurrency\n${cookie},,,renamed,3\n,ops@example.com,ops pw,ops,\n`,
    );
    const result = await box.run('accounts', 'import', 'again.csv');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'added 0, updated 2, failed 0\n');
    assert.equal(result.stderr, '', 'no progress bar when stderr is not a terminal');
    const list = rows((await box.run('accounts', 'list', '--json')).stdout);
    assert.deepEqual(
      list.map((a) => [a.id, a.label, a.maxConcurrency]),
      [
        [1, 'renamed', 3],
        [2, 'ops', 1],
      ],
    );
  });

  test('on a terminal, stderr shows a progress bar', async () => {
    using box = sandbox();
    writeFileSync(join(box.dir, 'one.jsonl'), `${JSON.stringify({ cookie: fake.issueSession(userId) })}\n`);
    let stdout = '';
    let stderr = '';
    const code = await runCli(['accounts', 'import', 'one.jsonl'], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: {
        RELAYPOOL_DB: box.db,
        RELAYPOOL_SECRET_KEY: 'cli-test-passphrase',
        RELAYPOOL_UPSTREAM_URL: fake.url,
      },
      cwd: box.dir,
      isTty: true,
      stderrIsTty: true,
    });
    assert.equal(code, 0, stderr);
    // eslint-disable-next-line no-control-regex -- the progress bar's ANSI erase sequence is what is checked
    assert.match(stderr, /\r\x1b\[K\[#{24}\] 1\/1 added 1, updated 0, failed 0/);
    assert.equal(stdout, 'added 1, updated 0, failed 0\n');
  });
});
