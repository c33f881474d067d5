import { commandSchema, type Reply } from './messages.js';

/** One command a child process answers; `args` arrive unparsed. */
export type CommandHandler = (args: unknown) => unknown;

function send(message: unknown): void {
  process.send?.(message);
}

/**
 * Child side of the bench IPC: answer `{id, cmd, args}` messages with `handlers[cmd]`, announce
 * readiness with `url`, and exit when the parent goes away (no orphaned bench processes).
 */
export function serveCommands(url: string, handlers: Readonly<Record<string, CommandHandler>>): void {
  process.on('message', (raw: unknown) => {
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) return;
    const { id, cmd, args } = parsed.data;
    const handler = handlers[cmd];
    if (handler === undefined) {
      send({ id, ok: false, error: `unknown command ${cmd}` } satisfies Reply);
      return;
    }
    Promise.resolve()
      .then(() => handler(args))
      .then(
        (result: unknown) => send({ id, ok: true, result: result ?? null } satisfies Reply),
        (err: unknown) =>
          send({ id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
      );
  });
  process.once('disconnect', () => process.exit(0));
  send({ ready: true, url });
}
