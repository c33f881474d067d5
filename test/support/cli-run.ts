import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp working dir with its own database; `run` executes the CLI in-process against it. */
export function cliSandbox(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-cli-'));
  const db = join(dir, 'data', 'relaypool.db');
  const run = async (...argv: string[]): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { RELAYPOOL_DB: db, RELAYPOOL_SECRET_KEY: 'cli-test-passphrase', ...env },
      cwd: dir,
      isTty: false,
    });
    return { code, stdout, stderr };
  };
  return { dir, db, run, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}
