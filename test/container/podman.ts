/**
 * podman as the container test drives it. Facts of these machines: containers need the runc
 * runtime and explicit nofile/nproc limits; no registry can be reached, so the base images are
 * built locally (base-images.sh) and the build reaches npm over the host's network.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GLOBAL = ['--runtime', 'runc'];
/** Flags every `podman run` and `podman build` gets. */
export const LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1000:1000'];
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `podman …args` to its end; never throws for a non-zero exit (see `podmanOk`). */
export function podman(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile('podman', [...GLOBAL, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** Run `podman …args`; its stdout, trimmed, or an error carrying its stderr. */
export async function podmanOk(args: string[]): Promise<string> {
  const out = await podman(args);
  if (out.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${out.code}: ${out.stderr.trim()}`);
  return out.stdout.trim();
}

/** Run a long command with its output shown live (image builds); rejects on a non-zero exit. */
function runLoud(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? 'on a signal'}`));
    });
  });
}

/** The cached local base images: [runtime, build]. */
export async function baseImages(): Promise<[string, string]> {
  const out = await runLoud('bash', ['test/container/base-images.sh']);
  const [runtime, build] = (out.split('\n').at(-1) ?? '').split(' ');
  if (!runtime || !build) throw new Error(`base-images.sh printed no image names: ${out}`);
  return [runtime, build];
}

/** `podman build` the repository's Dockerfile on the given bases, tagged `tag`. */
export async function buildImage(tag: string, runtimeImage: string, buildImage: string): Promise<void> {
  await runLoud('podman', [
    ...GLOBAL,
    'build',
    // Docker format keeps HEALTHCHECK (the OCI format has no such field).
    '--format',
    'docker',
    '--network',
    'host',
    ...LIMITS,
    '--build-arg',
    `NODE_IMAGE=${runtimeImage}`,
    '--build-arg',
    `BUILD_IMAGE=${buildImage}`,
    '--tag',
    tag,
    '.',
  ]);
}
