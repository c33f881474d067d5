import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { captureLogger } from './log-capture.js';

/** One `upstreams:` entry pointing at a fake platform. */
export interface FakeUpstreamEntry {
  name: string;
  platform: 'runtime-api' | 'cococat' | 'aeio' | 'tiangong';
  url: string;
}

export interface PlatformHarness {
  server: RunningServer;
  client: OpenAI;
  logs: () => string;
  close(): Promise<void>;
}

/**
 * relaypool on a free port with `upstreams` configured (through RELAYPOOL_UPSTREAMS, the one-line
 * form) and, optionally, a MonkeyCode fake as the default upstream. No account is added.
 */
export async function startPlatformHarness(
  upstreams: readonly FakeUpstreamEntry[],
  options: { monkeycodeUrl?: string; env?: Record<string, string> } = {},
): Promise<PlatformHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-platforms-'));
  const { config } = loadConfig({
    cwd: dir,
    env: {
      // Nothing listens on port 9: a MonkeyCode call in a test without the fake fails loudly.
      RELAYPOOL_UPSTREAM_URL: options.monkeycodeUrl ?? 'http://127.0.0.1:9',
      RELAYPOOL_UPSTREAMS: upstreams.map((u) => `${u.name}=${u.platform}@${u.url}`).join(','),
      RELAYPOOL_DB: join(dir, 'relaypool.db'),
      RELAYPOOL_SECRET_KEY: 'platform-test-key',
      RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '10',
      RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '2000',
      ...options.env,
    },
    flags: { 'server.port': 0 },
  });
  const log = captureLogger('debug');
  const server = await startServer({ config, logger: log.logger });
  const client = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
    timeout: 20_000,
  });
  return {
    server,
    client,
    logs: log.text,
    close: async () => {
      await server.close('test');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
