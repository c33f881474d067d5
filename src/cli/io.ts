import { promptHiddenSecret, readSecretFromStdin } from './read-password.js';

/** What a CLI run reads and writes; injected so tests can run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  isTty: boolean;
  /** True when stderr is a terminal (progress bars go there); absent means no. */
  stderrIsTty?: boolean;
  /** Everything on stdin up to EOF (`--password-stdin`); absent means stdin cannot be read. */
  readStdin?: () => Promise<string>;
  /** Ask for a secret without echo; present only when stdin is a terminal. */
  promptSecret?: (prompt: string) => Promise<string>;
}

/** A wrong or missing flag combination: printed on one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    readStdin: () => readSecretFromStdin(process.stdin),
    ...(process.stdin.isTTY ? { promptSecret: (prompt: string) => promptHiddenSecret(prompt) } : {}),
  };
}
