import { fork, type ChildProcess } from 'node:child_process';
import type { z } from 'zod';
import { readySchema, replySchema, type Reply } from './messages.js';

/** How to start a bench child. */
export interface ForkOptions {
  /** Entry file: TypeScript (run through tsx) or compiled JavaScript (plain node). */
  script: string;
  /** Extra Node flags, e.g. `--cpu-prof`, `--expose-gc`. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Where the child's stdout goes: discarded (default) or inherited. */
  stdout?: 'ignore' | 'inherit';
  /** How long the child may take to report ready. */
  readyTimeoutMs?: number;
}

/**
 * A forked bench process (fake upstream or relaypool) answering typed commands over IPC. Every
 * call has a timeout; `stop()` asks it to exit and kills it (by its own pid) if it does not.
 */
export class BenchChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  readonly #exited: Promise<number | null>;
  #nextId = 1;

  private constructor(
    child: ChildProcess,
    readonly url: string,
  ) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (raw: unknown) => {
      const reply = replySchema.safeParse(raw);
      if (!reply.success) return;
      const settle = this.#pending.get(reply.data.id);
      this.#pending.delete(reply.data.id);
      settle?.(reply.data);
    });
  }

  /** Fork `options.script` (under tsx when it is TypeScript) and wait for its ready message. */
  static async start(options: ForkOptions): Promise<BenchChild> {
    const child = fork(options.script, [], {
      execArgv: [
        ...(options.script.endsWith('.ts') ? ['--import', 'tsx'] : []),
        ...(options.nodeFlags ?? []),
      ],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.script}: not ready in time`)),
        options.readyTimeoutMs ?? 60_000,
      );
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${options.script} exited with ${code} before it was ready`));
      };
      child.once('exit', onExit);
      child.on('message', function onReady(raw: unknown) {
        const ready = readySchema.safeParse(raw);
        if (!ready.success) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onReady);
        resolve(ready.data.url);
      });
    });
    return new BenchChild(child, url);
  }

  /** The child's pid (for `/proc` reads and profiles). */
  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Run `cmd` in the child and parse its result with `schema`. */
  call<T>(cmd: string, args: unknown, schema: z.ZodType<T>, timeoutMs = 120_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${cmd}: no answer after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, (reply) => {
        clearTimeout(timer);
        if (!reply.ok) return reject(new Error(`${cmd}: ${reply.error}`));
        const parsed = schema.safeParse(reply.result);
        if (parsed.success) resolve(parsed.data);
        else reject(new Error(`${cmd}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`));
      });
      this.#child.send({ id, cmd, args });
    });
  }

  /** Ask the child to shut down cleanly (so `--cpu-prof` can write); kill it after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.send({ id: 0, cmd: 'shutdown', args: null });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
