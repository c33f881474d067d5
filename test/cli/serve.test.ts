import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../src/cli/index.ts', import.meta.url).pathname;

function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, RELAYPOOL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = async (pattern: RegExp): Promise<void> => {
    while (!pattern.test(stdout)) {
      const winner = await Promise.race([
        once(child.stdout, 'data').then(() => 'data'),
        exited.then(() => 'exit'),
      ]);
      if (winner === 'exit' && !pattern.test(stdout))
        throw new Error(`process exited before ${pattern}: ${stderr}`);
    }
  };
  return { child, exited, waitFor, out: () => stdout, err: () => stderr };
}

describe('relaypool serve', () => {
  test('serves /health with an embedded SQLite file and shuts down cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaypool-serve-'));
    try {
      const db = join(dir, 'data', 'relaypool.db');
      const proc = startCli(['serve', '--port', '0', '--db', db], {});
      await proc.waitFor(/relaypool listening on http:\/\/127\.0\.0\.1:\d+/);
      const port = /relaypool listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.out())?.[1];
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { status: string; pool: { total: number } };
      assert.equal(body.status, 'ok');
      assert.equal(body.pool.total, 0);
      assert.ok(existsSync(db));
      proc.child.kill('SIGTERM');
      assert.equal(await proc.exited, 0);
      assert.match(proc.out(), /"msg":"stopped"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('RELAYPOOL_LOG_FORMAT=pretty prints readable lines instead of JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaypool-serve-'));
    try {
      const proc = startCli(['serve', '--port', '0', '--db', join(dir, 'relaypool.db')], {
        RELAYPOOL_LOG_FORMAT: 'pretty',
      });
      await proc.waitFor(/relaypool listening on http:\/\/127\.0\.0\.1:\d+/);
      proc.child.kill('SIGTERM');
      await proc.exited;
      assert.match(proc.out(), /INFO.*: .*relaypool listening/);
      assert.doesNotMatch(proc.out(), /"msg":/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses to bind beyond loopback without API keys and an admin token', async () => {
    const proc = startCli(['serve', '--host', '0.0.0.0', '--port', '1'], {
      RELAYPOOL_DB: join(tmpdir(), 'never-created.db'),
    });
    assert.equal(await proc.exited, 1);
    assert.match(
      proc.err(),
      /^relaypool: refusing to listen on 0\.0\.0\.0.*RELAYPOOL_API_KEYS.*RELAYPOOL_ADMIN_TOKEN/,
    );
  });

  test('an invalid configuration stops start-up with every bad key named', async () => {
    const proc = startCli(['serve'], { RELAYPOOL_PORT: 'abc', RELAYPOOL_POOL_STRATEGY: 'random' });
    assert.equal(await proc.exited, 1);
    assert.match(proc.err(), /server\.port: expected an integer 0-65535 \(from RELAYPOOL_PORT\)/);
    assert.match(proc.err(), /pool\.strategy: expected one of/);
  });
});
