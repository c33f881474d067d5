import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A real `relaypool serve` child process, killed and restarted on the same port and database. */
export class RelaypoolProcess {
  #child: ChildProcess | null = null;
  #log: WriteStream;
  restarts = 0;

  constructor(
    private readonly root: string,
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.env.RELAYPOOL_PORT}`;
  }

  /** Start the process and wait until `/health` answers (at most 30 s). */
  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(this.root, 'src/cli/index.ts'), 'serve'],
      {
        cwd: this.env.CHAOS_DIR,
        env: { ...process.env, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#child = child;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`relaypool exited with ${child.exitCode} at start (see the chaos log)`);
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('relaypool did not answer /health within 30 s');
  }

  /** SIGKILL (no shutdown: tasks and stops in flight are left to the next start), then start again. */
  async killAndRestart(): Promise<void> {
    await this.kill();
    this.restarts += 1;
    await this.start();
  }

  /** SIGKILL and wait for the exit; no restart. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** SIGTERM and wait for the graceful shutdown (it stops every task the process owns). */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
    this.#log.end();
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.#child = null;
  }
}

/** A port free now; relaypool keeps it across its restarts (clients reconnect to the same URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
