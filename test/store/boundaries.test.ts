import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const STORE = fileURLToPath(new URL('../../src/store/', import.meta.url));
const FORBIDDEN = [
  /^hono/,
  /^undici/,
  /\/upstream\//,
  /\/openai\//,
  /\/server\//,
  /\/pool\//,
  /\/cli\//,
  /\/config\//,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('the store imports no HTTP, upstream, protocol or server code and never reads process.env', () => {
  const files = sourceFiles(STORE);
  assert.ok(files.length > 5);
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const name = relative(STORE, file);
    for (const [, specifier] of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
      assert.ok(specifier !== undefined);
      for (const rule of FORBIDDEN) assert.ok(!rule.test(specifier), `${name} imports ${specifier}`);
      if (specifier.startsWith('.')) assert.match(specifier, /\.js$/, `${name}: relative import without .js`);
    }
    assert.ok(!/process\.env/.test(source), `${name} reads process.env`);
  }
});
