/**
 * `npm run chaos [-- --seed N --requests N --concurrency N --max-seconds N --fuzz-runs N]`: a seeded, bounded run
 * of real openai SDK clients against a real `relaypool serve` process (SIGKILLed and restarted
 * twice) in front of the fake MonkeyCode injecting random faults; then it checks the invariants of
 * the README's "Reliability" section and prints them as a table. Then the property tests of
 * test/fuzz run with `--fuzz-runs` cases each (0: skip). Exit 1 on any violation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeUpstream } from '../../test/fake-upstream/index.js';
import { runChecks } from './checks.js';
import { runRequest, type RequestKind, type RequestRecord } from './clients.js';
import { FaultInjector } from './fault-injector.js';
import { Prng } from './prng.js';
import { freePort, RelaypoolProcess } from './relaypool-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20261204' },
    requests: { type: 'string', default: '160' },
    concurrency: { type: 'string', default: '6' },
    'max-seconds': { type: 'string', default: '120' },
    'fuzz-runs': { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run chaos [-- options]
  --seed N          fixes every random choice (default 20261204; printed first, rerun with it)
  --requests N      client requests in all (default 160); relaypool is SIGKILLed at 1/3 and 2/3
  --concurrency N   clients at a time (default 6)
  --max-seconds N   stop issuing requests after this long (default 120)
  --fuzz-runs N     cases per fast-check property afterwards (default 1000; 0 skips them)`);
  process.exit(0);
}
const seed = Number(values.seed);
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;
console.log(`chaos: seed ${seed}, ${total} requests, concurrency ${concurrency} (rerun with --seed ${seed})`);

const random = new Prng(seed);
const fake = await startFakeUpstream({
  bootDelayMs: 30,
  pingIntervalMs: 200,
  stepDelayMs: 4,
  captcha: { enabled: false },
});
const cookieUsers = [0, 1].map(
  (i) => fake.addUser({ email: `cookie${i}@example.com`, password: 'unused', plan: 'pro' }).id,
);
const passwordUser = fake.addUser({ email: 'password@example.com', password: 'chaos-pw', plan: 'pro' }).id;
const dir = mkdtempSync(join(tmpdir(), 'relaypool-chaos-'));
const dbFile = join(dir, 'relaypool.db');
const relaypool = new RelaypoolProcess(
  root,
  {
    CHAOS_DIR: dir,
    RELAYPOOL_PORT: String(await freePort()),
    RELAYPOOL_UPSTREAM_URL: fake.url,
    RELAYPOOL_DB: dbFile,
    RELAYPOOL_SECRET_KEY: 'chaos-secret-key',
    RELAYPOOL_LOG_LEVEL: 'info',
    RELAYPOOL_UPSTREAM_POLL_INTERVAL_MS: '20',
    RELAYPOOL_UPSTREAM_SOCKET_IDLE_TIMEOUT_MS: '1000',
    RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS: '10000',
    RELAYPOOL_UPSTREAM_VM_READY_TIMEOUT_MS: '10000',
    RELAYPOOL_POOL_QUEUE_TIMEOUT_MS: '8000',
    RELAYPOOL_POOL_BACKOFF_BASE_MS: '100',
    RELAYPOOL_POOL_BACKOFF_MAX_MS: '1000',
    RELAYPOOL_POOL_CONCURRENCY_COOLDOWN_MS: '200',
    RELAYPOOL_CONVERSATIONS_IDLE_TTL_MS: '4000',
    RELAYPOOL_SERVER_SHUTDOWN_GRACE_MS: '5000',
    RELAYPOOL_POOL_PROCESS_TTL_MS: '3000',
  },
  join(dir, 'relaypool.log'),
);
await relaypool.start();

async function admin(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${relaypool.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
}
for (const [i, user] of cookieUsers.entries())
  await admin('/admin/session', { cookie: fake.issueSession(user), label: `cookie${i}` });
await admin('/admin/accounts', { email: 'password@example.com', password: 'chaos-pw', label: 'password' });
const models = (await (await fetch(`${relaypool.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
const model = models.data.find((m) => m.id.startsWith('monkeycode-basic/'))?.id ?? models.data[0]?.id ?? '';

const injector = new FaultInjector(fake, random.fork(), cookieUsers, [passwordUser]);
const records: RequestRecord[] = [];
const inFlight = new Set<RequestRecord>();
let next = 0;
let killing: Promise<void> | null = null;
const killAt = [Math.floor(total / 3), Math.floor((2 * total) / 3)];

/** Paste fresh cookies for the cookie accounts whose sessions the run expired (an operator's job). */
async function restoreSessions(): Promise<void> {
  for (const user of [...injector.expiredCookieUsers]) {
    injector.expiredCookieUsers.delete(user);
    await admin('/admin/session', { cookie: fake.issueSession(user) }).catch((err: unknown) =>
      console.error(`restore: ${String(err)}`),
    );
  }
}

async function worker(rng: Prng): Promise<void> {
  let previous: { responseId: string } | null = null;
  while (next < total && Date.now() < deadline) {
    const id = next++;
    if (killAt.includes(id)) {
      killing = relaypool.killAndRestart().then(() => {
        for (const r of inFlight) r.crossedKill = true;
      });
      for (const r of inFlight) r.crossedKill = true;
      await killing;
      killing = null;
    }
    if (killing) await killing;
    if (rng.chance(0.35)) injector.inject();
    if (rng.chance(0.1)) await restoreSessions();
    const kinds: RequestKind[] = previous
      ? ['chat-stream', 'chat', 'responses-stream', 'responses', 'follow-up', 'follow-up']
      : ['chat-stream', 'chat', 'responses-stream', 'responses'];
    const kind = rng.pick(kinds);
    const pending = runRequest(relaypool.url, model, id, kind, rng, kind === 'follow-up' ? previous : null);
    const placeholder = { crossedKill: false } as RequestRecord;
    inFlight.add(placeholder);
    const record = await pending;
    inFlight.delete(placeholder);
    record.crossedKill ||= placeholder.crossedKill;
    records.push(record);
    previous =
      record.result === 'ok' && record.responseId !== null ? { responseId: record.responseId } : previous;
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: concurrency }, () => worker(random.fork())));
await restoreSessions();
// Settle: kept tasks expire (idle TTL), pending stops find their new sessions, then a graceful stop.
await new Promise((r) => setTimeout(r, 5000));
await relaypool.stop();
await new Promise((r) => setTimeout(r, 500));

writeFileSync(
  join(dir, 'records.json'),
  JSON.stringify(
    {
      records,
      tasks: [...fake.state.tasks.values()].map((t) => ({
        id: t.id,
        status: t.status,
        turns: t.turns.map((u) => ({ n: u.number, state: u.state, prompt: u.prompt.slice(0, 200) })),
      })),
    },
    null,
    1,
  ),
);
const results = runChecks(fake, records, dbFile, [...cookieUsers, passwordUser]);
const byResult = new Map<string, number>();
for (const r of records) byResult.set(r.result, (byResult.get(r.result) ?? 0) + 1);
console.log(
  `\nrequests: ${records.length} in ${((Date.now() - started) / 1000).toFixed(1)} s — ${[...byResult].map(([k, v]) => `${k} ${v}`).join(', ')}`,
);
console.log(`faults:   ${[...injector.counts].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`restarts: ${relaypool.restarts} (SIGKILL)`);
const width = Math.max(...results.map((r) => r.name.length));
console.log(`\n${'invariant'.padEnd(width)}  checked  violations`);
for (const r of results)
  console.log(
    `${r.name.padEnd(width)}  ${String(r.checked).padStart(7)}  ${String(r.violations.length).padStart(10)}`,
  );
const violations = results.flatMap((r) => r.violations.map((v) => `${r.name}: ${v}`));
for (const v of violations.slice(0, 30)) console.log(`  ! ${v}`);
writeFileSync(join(dir, 'violations.txt'), violations.join('\n'));
console.log(`\nviolations: ${violations.length} (seed ${seed}; log ${join(dir, 'relaypool.log')})`);
await fake.close();
let fuzzOk = true;
const fuzzRuns = Number(values['fuzz-runs']);
if (fuzzRuns > 0) {
  console.log(`\nfuzz: ${fuzzRuns} cases per property (RELAYPOOL_FUZZ_SEED=${seed})`);
  const fuzz = spawnSync(process.execPath, [join(root, 'scripts/run-tests.mjs'), 'test/fuzz'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RELAYPOOL_FUZZ_RUNS: String(fuzzRuns), RELAYPOOL_FUZZ_SEED: String(seed) },
    encoding: 'utf8',
  });
  fuzzOk = fuzz.status === 0;
  console.log(
    fuzz.stdout
      .split('\n')
      .filter((line) => /^(✔|✖|ℹ (tests|pass|fail))/.test(line))
      .join('\n'),
  );
}
process.exit(violations.length === 0 && relaypool.restarts >= 2 && fuzzOk ? 0 : 1);
