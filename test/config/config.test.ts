import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  configLeaves,
  configSchema,
  ConfigError,
  defaultConfig,
  envNameForPath,
  loadConfig,
} from '../../src/config/index.js';

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-config-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

function configErrorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  assert.fail('expected a ConfigError');
}

describe('config.example.yaml', () => {
  const text = readFileSync(new URL('../../config.example.yaml', import.meta.url), 'utf8');

  test('parses to exactly the built-in defaults', () => {
    assert.deepEqual(configSchema.parse(parseYaml(text)), defaultConfig());
  });

  test('documents every key explicitly', () => {
    const documented = configLeaves(parseYaml(text))
      .map((leaf) => leaf.path)
      .sort();
    const known = configLeaves()
      .map((leaf) => leaf.path)
      .sort();
    assert.deepEqual(documented, known);
  });
});

describe('loadConfig', () => {
  test('defaults when there is no file, env or flag', () => {
    using tmp = tempDir();
    const { config, file } = loadConfig({ cwd: tmp.dir, env: {} });
    assert.equal(file, null);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.server.port, 9090);
    assert.equal(config.store.db, 'data/relaypool.db');
    assert.equal(config.upstream.url, 'https://monkeycode-ai.com');
  });

  test('precedence: defaults < ./config.yaml < env < flags', () => {
    using tmp = tempDir();
    writeFileSync(
      join(tmp.dir, 'config.yaml'),
      'server:\n  port: 1000\n  host: 127.0.0.2\npool:\n  queueTimeoutMs: 5\n',
    );
    const fromFile = loadConfig({ cwd: tmp.dir, env: {} }).config;
    assert.equal(fromFile.server.port, 1000);
    assert.equal(fromFile.pool.queueTimeoutMs, 5);
    const fromEnv = loadConfig({ cwd: tmp.dir, env: { RELAYPOOL_PORT: '2000' } }).config;
    assert.equal(fromEnv.server.port, 2000);
    assert.equal(fromEnv.server.host, '127.0.0.2');
    const fromFlag = loadConfig({
      cwd: tmp.dir,
      env: { RELAYPOOL_PORT: '2000' },
      flags: { 'server.port': 3000 },
    }).config;
    assert.equal(fromFlag.server.port, 3000);
  });

  test('-c wins over RELAYPOOL_CONFIG, which wins over ./config.yaml', () => {
    using tmp = tempDir();
    writeFileSync(join(tmp.dir, 'config.yaml'), 'server: {port: 1}\n');
    writeFileSync(join(tmp.dir, 'a.yaml'), 'server: {port: 2}\n');
    writeFileSync(join(tmp.dir, 'b.yaml'), 'server: {port: 3}\n');
    assert.equal(loadConfig({ cwd: tmp.dir, env: { RELAYPOOL_CONFIG: 'a.yaml' } }).config.server.port, 2);
    assert.equal(
      loadConfig({ cwd: tmp.dir, env: { RELAYPOOL_CONFIG: 'a.yaml' }, file: 'b.yaml' }).config.server.port,
      3,
    );
  });

  test('every documented short env name works', () => {
    using tmp = tempDir();
    const { config } = loadConfig({
      cwd: tmp.dir,
      env: {
        RELAYPOOL_HOST: '127.0.0.9',
        RELAYPOOL_PORT: '9191',
        RELAYPOOL_UPSTREAM_URL: 'http://127.0.0.1:9100',
        RELAYPOOL_DB: '/tmp/x.db',
        RELAYPOOL_API_KEYS: 'k1, k2',
        RELAYPOOL_ADMIN_TOKEN: 'adm',
        RELAYPOOL_SECRET_KEY: 'passphrase',
        RELAYPOOL_LOG_LEVEL: 'debug',
      },
    });
    assert.equal(config.server.host, '127.0.0.9');
    assert.equal(config.server.port, 9191);
    assert.equal(config.upstream.url, 'http://127.0.0.1:9100');
    assert.equal(config.store.db, '/tmp/x.db');
    assert.deepEqual(config.auth.apiKeys, ['k1', 'k2']);
    assert.equal(config.auth.adminToken, 'adm');
    assert.equal(config.store.secretKey, 'passphrase');
    assert.equal(config.log.level, 'debug');
  });

  test('every key can be set by its path in upper snake case', () => {
    assert.equal(envNameForPath('upstream.turnTimeoutMs'), 'RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS');
    assert.equal(envNameForPath('pool.queueTimeoutMs'), 'RELAYPOOL_POOL_QUEUE_TIMEOUT_MS');
    using tmp = tempDir();
    const { config } = loadConfig({
      cwd: tmp.dir,
      env: {
        RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS: '5000',
        RELAYPOOL_POOL_QUEUE_TIMEOUT_MS: '7',
        RELAYPOOL_POOL_STRATEGY: 'fill-first',
        RELAYPOOL_UPSTREAM_DELETE_TASKS: 'true',
        RELAYPOOL_UPSTREAM_RESOURCE_LIFE: '3600',
      },
    });
    assert.equal(config.upstream.turnTimeoutMs, 5000);
    assert.equal(config.pool.queueTimeoutMs, 7);
    assert.equal(config.pool.strategy, 'fill-first');
    assert.equal(config.upstream.deleteTasks, true);
    assert.equal(config.upstream.resource.life, 3600);
  });

  test('one error names every bad key by path, with where it came from', () => {
    using tmp = tempDir();
    writeFileSync(
      join(tmp.dir, 'config.yaml'),
      'server:\n  prot: 1\npool:\n  strategy: random\nupstream:\n  url: ftp://x\n',
    );
    const lines = configErrorLines(() =>
      loadConfig({ cwd: tmp.dir, env: { RELAYPOOL_PORT: 'abc', RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS: '-5' } }),
    );
    assert.deepEqual(lines.sort(), [
      'pool.strategy: expected one of least-busy, round-robin, fill-first',
      'server.port: expected an integer 0-65535 (from RELAYPOOL_PORT)',
      'server.prot: unknown key',
      'upstream.turnTimeoutMs: expected a duration in ms (integer >= 1000) (from RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS)',
      'upstream.url: expected an http(s) URL',
    ]);
  });

  test('warm tasks need a model: warm.model or openai.defaultModel', () => {
    using tmp = tempDir();
    const lines = configErrorLines(() => loadConfig({ cwd: tmp.dir, env: { RELAYPOOL_WARM_SIZE: '2' } }));
    assert.deepEqual(lines, [
      'warm.model: warm.size > 0 needs a model: set warm.model or openai.defaultModel',
    ]);
    const { config } = loadConfig({
      cwd: tmp.dir,
      env: { RELAYPOOL_WARM_SIZE: '2', RELAYPOOL_OPENAI_DEFAULT_MODEL: 'm' },
    });
    assert.equal(config.warm.size, 2);
  });

  test('flags are named in errors too', () => {
    using tmp = tempDir();
    const lines = configErrorLines(() =>
      loadConfig({ cwd: tmp.dir, env: {}, flags: { 'server.port': 70000 } }),
    );
    assert.deepEqual(lines, ['server.port: expected an integer 0-65535 (from --port)']);
  });

  test('a missing explicit file, bad YAML and a non-mapping are one-line errors', () => {
    using tmp = tempDir();
    assert.throws(
      () => loadConfig({ cwd: tmp.dir, env: {}, file: 'nope.yaml' }),
      (err: unknown) => err instanceof ConfigError && /not found/.test(err.message),
    );
    writeFileSync(join(tmp.dir, 'bad.yaml'), 'server: [1, 2\n');
    assert.throws(
      () => loadConfig({ cwd: tmp.dir, env: {}, file: 'bad.yaml' }),
      (err: unknown) => err instanceof ConfigError && /not valid YAML/.test(err.message),
    );
    writeFileSync(join(tmp.dir, 'list.yaml'), '- 1\n- 2\n');
    assert.throws(() => loadConfig({ cwd: tmp.dir, env: {}, file: 'list.yaml' }), ConfigError);
  });

  test('the result is frozen all the way down', () => {
    using tmp = tempDir();
    const { config } = loadConfig({ cwd: tmp.dir, env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.upstream.resource));
    assert.ok(Object.isFrozen(config.auth.apiKeys));
  });

  test('an empty YAML file yields the defaults', () => {
    using tmp = tempDir();
    writeFileSync(join(tmp.dir, 'config.yaml'), '# nothing\n');
    assert.deepEqual(loadConfig({ cwd: tmp.dir, env: {} }).config, defaultConfig());
  });
});
