/**
 * Standalone fake MonkeyCode server: `npm run fake-upstream -- --port 9100 [--host 127.0.0.1]
 * [--boot-delay-ms 50] [--ping-interval-ms 10000] [--step-delay-ms 20] [--no-captcha]`.
 * Seeds a demo user and prints its credentials and a ready session cookie; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFakeUpstream } from './start-fake-upstream.js';

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'boot-delay-ms': { type: 'string' },
      'ping-interval-ms': { type: 'string' },
      'step-delay-ms': { type: 'string' },
      'no-captcha': { type: 'boolean' },
    },
    strict: true,
  });
  const fake = await startFakeUpstream({
    host: values.host ?? '127.0.0.1',
    port: intOption(values.port, 'port', 9100),
    bootDelayMs: intOption(values['boot-delay-ms'], 'boot-delay-ms', 1000),
    pingIntervalMs: intOption(values['ping-interval-ms'], 'ping-interval-ms', 10_000),
    stepDelayMs: intOption(values['step-delay-ms'], 'step-delay-ms', 50),
    captcha: { enabled: values['no-captcha'] !== true },
  });
  const email = 'demo@example.com';
  const password = 'demo-password';
  const user = fake.addUser({ email, password, name: 'demo', plan: 'pro' });
  const cookie = fake.issueSession(user.id);
  const lines = [
    `fake MonkeyCode listening on ${fake.url}`,
    `captcha: ${fake.options.captcha.enabled ? `enabled (c=${fake.options.captcha.c}, s=${fake.options.captcha.s}, d=${fake.options.captcha.d})` : 'disabled'}`,
    `demo user: ${email} / ${password} (plan pro, id ${user.id})`,
    `session cookie: monkeycode_ai_session=${cookie}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const shutdown = (signal: string): void => {
    process.stdout.write(`${signal}: closing\n`);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
