import { UserError } from '../util/errors.js';

/** Largest secret read from stdin (a password, not a file). */
const MAX_STDIN_BYTES = 64 * 1024;

/** Read a secret piped on stdin (`--password-stdin`): everything up to EOF (64 KiB at most). */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new UserError('--password-stdin: more than 64 KiB on stdin');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Ask for a secret on a terminal without echoing it: the prompt goes to stderr, keys are read in
 * raw mode until Enter. Backspace deletes; Ctrl-C or Ctrl-D on an empty line cancels.
 */
export function promptHiddenSecret(
  prompt: string,
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    const done = (error: Error | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(null);
        if (char === '\u0003' || (char === '\u0004' && value === ''))
          return done(new UserError('password prompt cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
