import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/index.js';

// Passwords off the command line: --password-stdin, a hidden prompt on a terminal, and --password
// still accepted with a warning (it lands in shell history and `ps`).

let fake: FakeUpstream;
let dir: string;
before(async () => {
  fake = await startFakeUpstream({ captcha: { enabled: false }, bootDelayMs: 5 });
  fake.addUser({ email: 'stdin@example.com', password: 'from stdin', plan: 'pro' });
  fake.addUser({ email: 'prompt@example.com', password: 'from prompt', plan: 'pro' });
  fake.addUser({ email: 'argv@example.com', password: 'from argv', plan: 'pro' });
  dir = mkdtempSync(join(tmpdir(), 'relaypool-cli-pw-'));
});
after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(io: Partial<CliIo>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {
      RELAYPOOL_DB: join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'cli-test-passphrase',
      RELAYPOOL_UPSTREAM_URL: fake.url,
    },
    cwd: dir,
    isTty: false,
    ...io,
  });
  return { code, stdout, stderr };
}

describe('accounts add: where the password comes from', () => {
  test('--password-stdin reads the password from stdin (one trailing newline dropped)', async () => {
    const result = await run(
      { readStdin: () => Promise.resolve('from stdin\n') },
      'accounts',
      'add',
      '--email',
      'stdin@example.com',
      '--password-stdin',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /added account \d+ \(stdin@example\.com\)/);
    assert.doesNotMatch(result.stderr, /warning/);
  });

  test('on a terminal, --email alone prompts for the password without echo', async () => {
    const prompts: string[] = [];
    const promptSecret = (question: string) => {
      prompts.push(question);
      return Promise.resolve('from prompt');
    };
    const result = await run({ promptSecret }, 'accounts', 'add', '--email', 'prompt@example.com');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(prompts, ['Password for prompt@example.com: ']);
  });

  test('without a terminal, --email alone is a usage error naming both ways', async () => {
    const result = await run({}, 'accounts', 'add', '--email', 'prompt@example.com');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--password-stdin/);
  });

  test('--password still works, with a warning on stderr', async () => {
    const result = await run({}, 'accounts', 'add', '--email', 'argv@example.com', '--password', 'from argv');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: --password/);
    assert.ok(!result.stderr.includes('from argv'), 'the warning does not repeat the password');
  });

  test('--password and --password-stdin together are a usage error', async () => {
    const result = await run(
      { readStdin: () => Promise.resolve('x') },
      'accounts',
      'add',
      '--email',
      'x@example.com',
      '--password',
      'p',
      '--password-stdin',
    );
    assert.equal(result.code, 2);
  });

  test('an empty password on stdin is refused before anything is stored', async () => {
    const result = await run(
      { readStdin: () => Promise.resolve('\n') },
      'accounts',
      'add',
      '--email',
      'stdin@example.com',
      '--password-stdin',
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /empty/);
  });
});
