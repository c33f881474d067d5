/** Test helpers: a temporary directory per test, and stores that are closed when the test ends. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';

/** A fresh directory removed after the test. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Open a store in `dir` (default: a fresh temp dir); it is closed after the test. */
export function openTempStore(
  t: TestContext,
  options: Partial<StoreOptions> & { dir?: string } = {},
): { store: Store; dir: string; file: string } {
  const dir = options.dir ?? tempDir(t);
  const file = options.file ?? join(dir, 'relaypool.db');
  const store = openStore({ ...options, file });
  t.after(() => store.close());
  return { store, dir, file };
}

/** A manual clock for deterministic timestamps. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** The raw bytes of every file directly in `dir`, by name. */
export function readAllFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) files.set(entry.name, readFileSync(join(dir, entry.name)));
  }
  return files;
}
