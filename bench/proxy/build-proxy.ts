import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = join(ROOT, '.bench/proxy');

let built: string | null = null;

/**
 * Compile relaypool and the bench's proxy entry with `tsc` into `.bench/proxy` (once per run) and
 * return the entry to run with plain `node`. relaypool runs compiled in production (`npm start`);
 * under tsx its process would also carry tsx's loader thread (tens of MB of RSS, extra CPU).
 */
export function buildProxy(): string {
  if (built !== null) return built;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'bench/tsconfig.proxy.json')], {
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error('bench: compiling relaypool for the proxy process failed (see tsc output above)');
  // readVersion() reads ../../package.json relative to src/server; keep that layout working.
  copyFileSync(join(ROOT, 'package.json'), join(OUT_DIR, 'package.json'));
  built = join(OUT_DIR, 'bench/proxy/proxy-main.js');
  return built;
}
