/**
 * `npm run demo`: start the fake MonkeyCode upstream and relaypool against it with one demo
 * account (logged in with email + password, captcha proof-of-work included), then print a curl
 * line and an `openai` SDK snippet to try. Ctrl-C stops both.
 *
 * Flags: --port N (relaypool, default 9090), --upstream-port N (default: any free port),
 * --platform runtime-api|cococat|aeio|tiangong (also start that platform's fake as upstream `demo`
 * with a demo account; its model is `demo/<model>`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { startServer } from '../src/server/start.js';
import { createLogger } from '../src/util/logger.js';
import { startDemoPlatform } from '../test/fake-platforms/index.js';
import { startFakeUpstream } from '../test/fake-upstream/index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'upstream-port': { type: 'string' }, platform: { type: 'string' } },
  });
  const fake = await startFakeUpstream({
    port: Number(values['upstream-port'] ?? 0),
    bootDelayMs: 800,
    stepDelayMs: 40,
  });
  const email = 'demo@example.com';
  const password = 'demo-password';
  fake.addUser({ email, password, name: 'demo', plan: 'pro' });
  const platform = values.platform === undefined ? null : demoPlatformName(values.platform);
  const extra = platform === null ? null : await startDemoPlatform(platform);
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-demo-'));
  const { config } = loadConfig({
    env: {
      RELAYPOOL_UPSTREAM_URL: fake.url,
      RELAYPOOL_DB: join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'demo-only-secret-key',
      RELAYPOOL_LOG_LEVEL: 'warn',
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '200',
      ...(extra === null ? {} : { RELAYPOOL_UPSTREAMS: `demo=${platform}@${extra.url}` }),
    },
    flags: { 'server.port': values.port === undefined ? undefined : Number(values.port) },
    cwd: dir,
  });
  const server = await startServer({ config, logger: createLogger({ level: config.log.level }) });
  const check = await server.services.accounts.addPassword(email, password, { label: 'demo' });
  const added =
    extra === null
      ? null
      : await server.services.accounts.addPassword(extra.login.email, extra.login.password, {
          upstream: 'demo',
          label: `demo-${platform}`,
        });
  const model =
    added?.discovery.allowedModels[0]?.name ??
    check.discovery.allowedModels[0]?.name ??
    'monkeycode-basic/qwen3.5-plus';
  const base = `${server.url}/v1`;
  process.stdout.write(
    [
      `fake MonkeyCode upstream: ${fake.url} (demo user ${email})`,
      ...(extra === null
        ? []
        : [`fake ${platform} upstream:  ${extra.url} (upstream "demo", login ${extra.login.email})`]),
      `relaypool:                ${server.url}  (account "demo" logged in; plan ${check.discovery.plan ?? '?'}; ${check.discovery.allowedModels.length} models)`,
      '',
      'Try it:',
      `  curl -s ${base}/models`,
      `  curl -sN ${base}/chat/completions -H 'content-type: application/json' \\`,
      `    -d '{"model":"${model}","stream":true,"messages":[{"role":"user","content":"Write a haiku about sockets"}]}'`,
      '',
      '  // node --input-type=module (npm i openai)',
      `  import OpenAI from 'openai';`,
      `  const client = new OpenAI({ baseURL: '${base}', apiKey: 'unused' });`,
      `  const r = await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'hi' }] });`,
      '  console.log(r.choices[0].message.content);',
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void server
      .close('SIGINT')
      .then(() => fake.close())
      .then(() => extra?.close())
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function demoPlatformName(value: string): 'runtime-api' | 'cococat' | 'aeio' | 'tiangong' {
  if (value === 'runtime-api' || value === 'cococat' || value === 'aeio' || value === 'tiangong')
    return value;
  throw new Error(`--platform must be one of runtime-api, cococat, aeio, tiangong (got ${value})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
