import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// docs/architecture.md §2 / docs/architecture.md §2.1: dependencies point one way. A rule nobody checks erodes.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const rel = relative(src, file);
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[3] ?? match[4] ?? match[5] ?? '';
    const target = spec.startsWith('.') ? relative(src, resolve(dirname(file), spec)) : spec;
    found.push({ file: rel, target, typeOnly: match[2] !== undefined });
  }
  return found;
}

const area = (path: string): string => path.split('/')[0] ?? '';
const all = sourceFiles(src).flatMap(importsOf);

function violations(from: (file: string) => boolean, forbidden: (imp: Import) => boolean): string[] {
  return all.filter((imp) => from(imp.file) && forbidden(imp)).map((imp) => `${imp.file} → ${imp.target}`);
}

const inArea =
  (...areas: string[]) =>
  (file: string) =>
    areas.includes(area(file));
const targets =
  (...areas: string[]) =>
  (imp: Import) =>
    areas.includes(area(imp.target)) && !imp.target.startsWith('node:');
const packages =
  (...names: string[]) =>
  (imp: Import) =>
    names.some((name) => imp.target === name || imp.target.startsWith(`${name}/`));

test('upstream/ never imports openai, store, server, pool, conversations, cli, hono, pino or sqlite', () => {
  assert.deepEqual(
    violations(
      inArea('upstream'),
      targets('openai', 'store', 'server', 'pool', 'conversations', 'cli', 'config'),
    ),
    [],
  );
  assert.deepEqual(
    violations(inArea('upstream'), packages('hono', 'pino', 'better-sqlite3', '@hono/node-server')),
    [],
  );
});

test('store/ is a leaf above util: no upstream, openai, server, pool, cli, hono or undici', () => {
  assert.deepEqual(
    violations(
      inArea('store'),
      targets('upstream', 'openai', 'server', 'pool', 'conversations', 'cli', 'config'),
    ),
    [],
  );
  assert.deepEqual(violations(inArea('store'), packages('hono', 'undici', '@hono/node-server')), []);
});

test('openai/ imports upstream types only, and never store, server, pool or undici', () => {
  assert.deepEqual(
    violations(inArea('openai'), (imp) => area(imp.target) === 'upstream' && !imp.typeOnly),
    [],
  );
  assert.deepEqual(
    violations(inArea('openai'), targets('store', 'server', 'pool', 'conversations', 'cli', 'anthropic')),
    [],
  );
  assert.deepEqual(violations(inArea('openai'), packages('undici', 'better-sqlite3')), []);
});

test('routes never touch the store or undici directly', () => {
  const isRoute = (file: string) => file.startsWith('server/routes/');
  assert.deepEqual(violations(isRoute, targets('store')), []);
  assert.deepEqual(violations(isRoute, packages('undici', 'better-sqlite3')), []);
});

test('anthropic/ is a protocol layer beside openai/: upstream types, openai/ and util only', () => {
  assert.deepEqual(
    violations(inArea('anthropic'), (imp) => area(imp.target) === 'upstream' && !imp.typeOnly),
    [],
  );
  assert.deepEqual(
    violations(inArea('anthropic'), targets('store', 'server', 'pool', 'conversations', 'cli', 'config')),
    [],
  );
  assert.deepEqual(violations(inArea('anthropic'), packages('hono', 'undici', 'better-sqlite3')), []);
});

test('nothing below cli imports cli; nothing below server imports server', () => {
  assert.deepEqual(
    violations((file) => area(file) !== 'cli', targets('cli')),
    [],
  );
  assert.deepEqual(
    violations(
      inArea('openai', 'anthropic', 'pool', 'conversations', 'upstream', 'store', 'config', 'util'),
      targets('server'),
    ),
    [],
  );
});

test('dashboard/ reads through what the server hands it: store types only, no undici or sqlite; only server/app imports it', () => {
  assert.deepEqual(
    violations(inArea('dashboard'), (imp) => area(imp.target) === 'store' && !imp.typeOnly),
    [],
  );
  assert.deepEqual(violations(inArea('dashboard'), targets('cli', 'conversations', 'openai')), []);
  assert.deepEqual(violations(inArea('dashboard'), packages('undici', 'better-sqlite3')), []);
  assert.deepEqual(
    violations((file) => area(file) !== 'dashboard' && file !== 'server/app.ts', targets('dashboard')),
    [],
  );
});

test('util/ and config/ stand alone', () => {
  assert.deepEqual(
    violations(
      inArea('util'),
      targets('config', 'server', 'openai', 'pool', 'conversations', 'upstream', 'store', 'cli'),
    ),
    [],
  );
  assert.deepEqual(
    violations(
      inArea('config'),
      targets('server', 'openai', 'pool', 'conversations', 'upstream', 'store', 'cli'),
    ),
    [],
  );
});

test('pool/ sits below conversations, openai, server and cli', () => {
  assert.deepEqual(violations(inArea('pool'), targets('conversations', 'openai', 'server', 'cli')), []);
  assert.deepEqual(
    violations(inArea('pool'), packages('hono', '@hono/node-server', 'undici', 'better-sqlite3')),
    [],
  );
});

test('conversations/ uses the pool and the store, never openai, server or cli', () => {
  assert.deepEqual(violations(inArea('conversations'), targets('openai', 'server', 'cli')), []);
  assert.deepEqual(
    violations(inArea('conversations'), packages('hono', '@hono/node-server', 'undici', 'better-sqlite3')),
    [],
  );
});

/** Folders under upstream/ that several platforms share (the bearer-token layer): platform-neutral. */
const SHARED_UPSTREAM_FOLDERS = new Set(['bearer']);

/** `upstream/<platform>/…` for platform-specific code; null for the platform-neutral part of upstream/. */
const platformOf = (path: string): string | null => {
  const [top, platform, rest] = path.split('/');
  return top === 'upstream' &&
    platform !== undefined &&
    rest !== undefined &&
    !SHARED_UPSTREAM_FOLDERS.has(platform)
    ? platform
    : null;
};

test('platform-specific code is reached only through its adapter from the composition root', () => {
  // upstream/platforms.ts is the registry the composition root builds bearer platforms from.
  const compositionRoot = ['server/services.ts', 'upstream/platforms.ts'];
  const offenders = all.filter((imp) => {
    const platform = platformOf(imp.target);
    if (platform === null) return false;
    return platformOf(imp.file) !== platform && !compositionRoot.includes(imp.file);
  });
  assert.deepEqual(
    offenders.map((imp) => `${imp.file} → ${imp.target}`),
    [],
  );
});

test('only config/ and cli/ read process.env', () => {
  const offenders = sourceFiles(src)
    .filter((file) => !['config', 'cli'].includes(area(relative(src, file))))
    .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(src, file));
  assert.deepEqual(offenders, []);
});

test('no `any` in src/', () => {
  const offenders = sourceFiles(src).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, at: `${relative(src, file)}:${i + 1}` }))
      .filter(({ line }) => /(:\s*any\b|\bas any\b|<any>|any\[\])/.test(line.replace(/\/\/.*$/, '')))
      .map(({ at }) => at),
  );
  assert.deepEqual(offenders, []);
});
