/**
 * `npm run test:container`: builds the image with podman (on local base images: no registry is
 * reachable) and runs it against the fake MonkeyCode on the host (`--network host`), through the
 * real `openai` SDK. Prints the build time, image size and idle private memory.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { defaultReply, startFakeUpstream, steps, type FakeUpstream } from '../fake-upstream/index.js';
import { LIMITS, baseImages, buildImage, podman, podmanOk } from './podman.js';

const IMAGE = 'localhost/relaypool:container-test';
const RUN_ID = `rp-test-${process.pid}`;
const VOLUME = `${RUN_ID}-data`;
const UID = '10001';
const GRACE_MS = 1500;

let fake: FakeUpstream;
let port: number;
let cookie: string;
const containers: string[] = [];

/**
 * A port free on the host a moment ago. The container's port is fixed up front (port 0 is no
 * option: the image's HEALTHCHECK asks RELAYPOOL_PORT), and with --network host it is the host's.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function report(line: string): void {
  process.stdout.write(`# container: ${line}\n`);
}

/** Poll `check` until it holds (a container's health has no event to wait on). */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Start relaypool (`serve`) in a new container on the test volume; resolves once it is healthy. */
async function startContainer(name: string): Promise<void> {
  containers.push(name);
  await podmanOk([
    'run',
    '--detach',
    '--name',
    name,
    '--network',
    'host',
    ...LIMITS,
    '--volume',
    `${VOLUME}:/data`,
    '--env',
    `RELAYPOOL_PORT=${port}`,
    '--env',
    `RELAYPOOL_UPSTREAM_URL=${fake.url}`,
    '--env',
    'RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS=50',
    '--env',
    `RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS=${GRACE_MS}`,
    IMAGE,
  ]);
  // `healthcheck run` executes the image's own HEALTHCHECK command inside the container.
  await waitUntil(
    `${name} to become healthy`,
    async () => (await podman(['healthcheck', 'run', name])).code === 0,
  );
  assert.equal(await podmanOk(['inspect', '--format', '{{.State.Health.Status}}', name]), 'healthy');
}

function client(): OpenAI {
  return new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
    timeout: 60_000,
  });
}

async function chat(content: string): Promise<string | null> {
  const completion = await client().chat.completions.create({
    model: 'monkeycode-basic/qwen3.5-plus',
    messages: [{ role: 'user', content }],
  });
  return completion.choices[0]?.message.content ?? null;
}

before(async () => {
  const started = Date.now();
  const [runtimeImage, buildBase] = await baseImages();
  const based = Date.now();
  await buildImage(IMAGE, runtimeImage, buildBase);
  report(
    `base images ${((based - started) / 1000).toFixed(1)} s, image build ${((Date.now() - based) / 1000).toFixed(1)} s`,
  );
  fake = await startFakeUpstream({
    bootDelayMs: 50,
    pingIntervalMs: 1000,
    stepDelayMs: 5,
    captcha: { enabled: false },
  });
  cookie = fake.issueSession(fake.addUser({ email: 'sidecar@example.com', password: 'pw', plan: 'pro' }).id);
  port = await freePort();
  await podmanOk(['volume', 'create', VOLUME]);
});

after(async () => {
  for (const name of containers) await podman(['rm', '--force', '--time', '0', name]);
  await podman(['volume', 'rm', '--force', VOLUME]);
  await fake?.close();
});

test('the image is small enough', async () => {
  const bytes = Number(await podmanOk(['image', 'inspect', '--format', '{{.Size}}', IMAGE]));
  report(`image size ${(bytes / 1e6).toFixed(1)} MB`);
  assert.ok(bytes <= 250e6, `image is ${bytes} bytes, above 250 MB`);
});

test('binding 0.0.0.0 without API keys and an admin token is refused, naming the variables', async () => {
  const out = await podman([
    'run',
    '--rm',
    '--network',
    'none',
    ...LIMITS,
    '--env',
    'RELAYPOOL_HOST=0.0.0.0',
    IMAGE,
  ]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /refusing to listen on 0\.0\.0\.0.*RELAYPOOL_API_KEYS.*RELAYPOOL_ADMIN_TOKEN/);
});

test('serve starts as non-root and becomes healthy', async () => {
  await startContainer(`${RUN_ID}-a`);
  assert.equal(await podmanOk(['exec', `${RUN_ID}-a`, 'id', '-u']), UID);
  const status = await podmanOk(['exec', `${RUN_ID}-a`, 'cat', '/proc/1/status']);
  assert.match(status, new RegExp(`^Uid:\\s+${UID}\\s`, 'm'), 'PID 1 runs as the relaypool user');
  assert.match(status, /^Name:\s+node$/m, 'PID 1 is node itself (it gets SIGTERM)');
});

test('an account added with `podman exec` serves a chat completion through the container', async () => {
  const added = await podmanOk([
    'exec',
    `${RUN_ID}-a`,
    'relaypool',
    'accounts',
    'add',
    '--cookie',
    cookie,
    '--label',
    'sidecar',
  ]);
  assert.match(added, /added account 1 \(sidecar\): active/i);
  // At once: a model the server does not know yet makes it look at the database before a 404.
  assert.equal(await chat('hello from the app'), defaultReply('hello from the app'));
  const status = await podmanOk(['exec', `${RUN_ID}-a`, 'cat', '/proc/1/status']);
  const field = (name: string): string => new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? '?';
  report(
    `idle memory of PID 1 after one request: RssAnon ${field('RssAnon')} kB, VmRSS ${field('VmRSS')} kB`,
  );
});

test('SIGTERM during a stream: error frame, upstream task stopped, exit code 0', async () => {
  const name = `${RUN_ID}-a`;
  fake.faults.nextTurn(() => [steps.started(), steps.messageChunk('working'), steps.hang()]);
  const stream = await client().chat.completions.create({
    model: 'monkeycode-basic/qwen3.5-plus',
    stream: true,
    messages: [{ role: 'user', content: 'a long job' }],
  });
  const chunks = stream[Symbol.asyncIterator]();
  let text = '';
  while (!text.includes('working')) {
    const next = await chunks.next();
    assert.equal(next.done, false, 'the stream ended before the first content');
    text += next.value.choices[0]?.delta.content ?? '';
  }
  const task = [...fake.state.tasks.values()].at(-1);
  assert.equal(task?.status, 'processing');
  const stopped = podmanOk(['stop', '--time', '30', name]);
  await assert.rejects(
    async () => {
      for (let r = await chunks.next(); !r.done; r = await chunks.next());
    },
    (err: unknown) => err instanceof APIError && /shutting down/.test(err.message),
  );
  await stopped;
  assert.equal(fake.state.tasks.get(task.id)?.status, 'finished', 'the upstream task was stopped');
  assert.equal(await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', name]), '0');
  assert.match(await podmanOk(['logs', '--tail', '1', name]), /"msg":"stopped"/);
});

test('the database and key survive removing and re-creating the container on the same volume', async () => {
  await podmanOk(['rm', `${RUN_ID}-a`]);
  // A one-off CLI container on the volume, as `docker run IMAGE accounts list` would be.
  const listed = await podmanOk([
    'run',
    '--rm',
    '--network',
    'none',
    ...LIMITS,
    '--volume',
    `${VOLUME}:/data`,
    IMAGE,
    'accounts',
    'list',
    '--json',
  ]);
  assert.match(listed, /"label":\s*"sidecar"/);
  await startContainer(`${RUN_ID}-b`);
  assert.equal(await chat('still there?'), defaultReply('still there?'));
  await podmanOk(['stop', '--time', '30', `${RUN_ID}-b`]);
  assert.equal(await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', `${RUN_ID}-b`]), '0');
});
