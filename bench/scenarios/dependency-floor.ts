import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * RSS (bytes) of a fresh Node process that only imports relaypool's runtime dependencies (those of
 * `package.json`) and then collects garbage: the floor under relaypool's own memory.
 */
export function dependencyFloorRss(): number {
  const pkg = z
    .object({ dependencies: z.record(z.string(), z.string()) })
    .parse(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')));
  const imports = Object.keys(pkg.dependencies)
    .map((name) => `await import(${JSON.stringify(name)});`)
    .join(' ');
  const script = `${imports} globalThis.gc(); await new Promise((r) => setTimeout(r, 200)); process.stdout.write(String(process.memoryUsage().rss));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return z.coerce.number().int().positive().parse(out.trim());
}
