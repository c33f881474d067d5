import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';

function load(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-upstreams-'));
  try {
    return loadConfig({ cwd: dir, env }).config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('upstreams: none by default; RELAYPOOL_UPSTREAMS takes the one-line name=platform@url form', () => {
  assert.deepEqual(load({}).upstreams, []);
  const config = load({
    RELAYPOOL_UPSTREAMS: 'aeio=aeio@https://aeio.example.com, tg=tiangong@http://localhost:8037',
  });
  assert.deepEqual(config.upstreams, [
    { name: 'aeio', platform: 'aeio', url: 'https://aeio.example.com' },
    { name: 'tg', platform: 'tiangong', url: 'http://localhost:8037' },
  ]);
});

test('bad upstreams stop start-up naming the key: unknown platform, reserved or repeated name, bad URL', () => {
  for (const bad of [
    'x=openai@http://h',
    'monkeycode2=aeio@http://h',
    'a=aeio@http://h,a=cococat@http://h',
    'a=aeio@ftp://h',
    'Bad=aeio@http://h',
  ]) {
    assert.throws(
      () => load({ RELAYPOOL_UPSTREAMS: bad }),
      (err: unknown) => err instanceof ConfigError && err.message.includes('upstreams'),
      bad,
    );
  }
});
