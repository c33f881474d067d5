import { asyncSqliteStore } from '../../src/store/async-store.js';
/** Test helpers for the pool: manual time, a temp store with accounts, a scripted adapter. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { AccountPool, type PoolOptions } from '../../src/pool/account-pool.js';
import { TaskReaper } from '../../src/pool/task-reaper.js';
import { openStore, type Account, type Store } from '../../src/store/index.js';
import { upstreamFailure, type UpstreamErrorKind } from '../../src/upstream/errors.js';
import type { Timers } from '../../src/util/timing.js';
import type {
  AccountDiscovery,
  TurnRequest,
  UpstreamAdapter,
  UpstreamEvent,
  UpstreamLogin,
  UpstreamUser,
} from '../../src/upstream/types.js';
import { captureLogger } from '../support/log-capture.js';

/** A clock and timers that move only when the test says so. */
export interface ManualTime {
  now: () => number;
  timers: Timers;
  /** Move time forward, firing due timers in order. */
  advance(ms: number): void;
  /** Delays of the timers scheduled so far, in order. */
  scheduled: number[];
  pending(): number;
}

export function manualTime(start = 1_700_000_000_000): ManualTime {
  let now = start;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const scheduled: number[] = [];
  return {
    now: () => now,
    scheduled,
    pending: () => due.size,
    timers: {
      setTimeout(fn, ms) {
        const id = ++seq;
        scheduled.push(ms);
        due.set(id, { at: now + ms, fn });
        return () => void due.delete(id);
      },
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const next = [...due.entries()]
          .filter(([, t]) => t.at <= target)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (next === undefined) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = target;
    },
  };
}

/** A fresh store in a temp dir, closed and removed after the test. */
export function tempStore(t: TestContext, now: () => number = Date.now): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relaypool-pool-'));
  const file = join(dir, 'relaypool.db');
  const store = openStore({ file, secretKey: 'pool-test-key', now });
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, file };
}

export const MODEL = 'monkeycode-basic/qwen3.5-plus';

/** Add an active cookie account offering `models` (upstream id `<model>#<account id>`). */
export function addAccount(
  store: Store,
  options: {
    label?: string;
    kind?: 'cookie' | 'password';
    models?: string[];
    maxConcurrency?: number;
    state?: Account['state'];
  } = {},
): Account {
  const label = options.label ?? `acc-${store.accounts.list().length + 1}`;
  const base = {
    label,
    state: options.state ?? 'active',
    maxConcurrency: options.maxConcurrency,
    cookie: `cookie-${label}`,
  };
  const account =
    options.kind === 'password'
      ? store.accounts.add({ ...base, kind: 'password', email: `${label}@example.com`, password: 'pw' })
      : store.accounts.add({ ...base, kind: 'cookie' });
  store.models.replaceForAccount(
    account.id,
    (options.models ?? [MODEL]).map((name) => ({
      upstreamId: `${name}#${account.id}`,
      name,
      interfaceType: 'openai_chat',
    })),
  );
  return account;
}

export const TIMINGS = {
  backoffBaseMs: 1000,
  backoffMaxMs: 8000,
  concurrencyCooldownMs: 5000,
  creditsCooldownMs: 3_600_000,
  modelCooldownMs: 600_000,
};

/** Pool options with test defaults. */
export function poolOptions(overrides: Partial<PoolOptions> = {}): PoolOptions {
  return {
    strategy: 'least-busy',
    maxConcurrentPerAccount: 1,
    queueTimeoutMs: 30_000,
    retryHintMs: 60_000,
    timings: TIMINGS,
    ...overrides,
  };
}

/** A pool over `store` with manual time; relogins and stray stops are recorded. */
export function testPool(
  store: Store,
  time: ManualTime,
  options: Partial<PoolOptions> = {},
  relogin?: (id: number) => Promise<unknown>,
) {
  const relogins: number[] = [];
  const strays: Array<{ accountId: number; keep: number[] }> = [];
  const pool = new AccountPool({
    store: asyncSqliteStore(store),
    logger: captureLogger('silent').logger,
    clock: { now: time.now },
    timers: time.timers,
    options: poolOptions(options),
    relogin: (id) => {
      relogins.push(id);
      return relogin ? relogin(id) : Promise.resolve();
    },
  });
  pool.onStrays((accountId, keep) => void strays.push({ accountId, keep: [...keep] }));
  return { pool, relogins, strays };
}

/** A task reaper over `store` (synchronous SQLite, adapted) that retries nothing and deletes nothing. */
export function testReaper(store: Store, adapter: UpstreamAdapter, logger = captureLogger('silent').logger) {
  return new TaskReaper({
    store: asyncSqliteStore(store),
    adapter,
    logger,
    deleteTasks: false,
    retryDelaysMs: [],
  });
}

/** Let queued promise callbacks run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Let background work run, one event-loop turn at a time, until `done()` holds (at most `turns`):
 * for work that crosses the SQLite store's group commit, which lands at the end of a turn.
 */
export async function flushUntil(done: () => boolean, turns = 10): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await flush();
}

/** A failure event. */
export function errorEvent(kind: UpstreamErrorKind, message = `scripted ${kind}`): UpstreamEvent {
  const error = upstreamFailure(kind, message);
  return { type: 'error', error, kind, retryable: error.retryable, taskId: null };
}

/** A turn that creates task `id` and answers `text`. */
export function okTurn(id: string, text = 'hello'): UpstreamEvent[] {
  return [
    { type: 'task-created', taskId: id },
    { type: 'task-ready', taskId: id },
    { type: 'turn-started', taskId: id },
    { type: 'text', text },
    { type: 'usage', inputTokens: 3, outputTokens: 2, totalTokens: 5, estimated: false },
    { type: 'finish', taskId: id },
  ];
}

const USER: UpstreamUser = {
  id: 'u1',
  name: 'user',
  email: 'u@example.com',
  role: null,
  status: null,
  blocked: false,
};

/** An adapter whose turns are scripted per session, in order; records stops and logins. */
export class ScriptedAdapter implements UpstreamAdapter {
  readonly platform = 'scripted';
  readonly turns = new Map<string, UpstreamEvent[][]>();
  readonly runs: Array<{ session: string; request: TurnRequest }> = [];
  readonly stopped: Array<{ session: string; taskId: string }> = [];
  readonly logins: string[] = [];
  readonly validated: string[] = [];
  /** Sessions the upstream no longer accepts. */
  readonly dead = new Set<string>();
  blocked = new Set<string>();
  loginGate: Promise<void> = Promise.resolve();
  loginFailure: UpstreamErrorKind | null = null;
  #logins = 0;

  script(session: string, ...turns: UpstreamEvent[][]): void {
    this.turns.set(session, [...(this.turns.get(session) ?? []), ...turns]);
  }

  async *runTurn(session: string, request: TurnRequest): AsyncGenerator<UpstreamEvent> {
    this.runs.push({ session, request });
    const events = this.turns.get(session)?.shift() ?? [
      errorEvent('unknown', `no turn scripted for ${session}`),
    ];
    for (const event of events) {
      await Promise.resolve();
      yield event;
    }
  }

  async validateSession(session: string): Promise<UpstreamUser> {
    this.validated.push(session);
    if (this.dead.has(session)) throw upstreamFailure('session-expired', 'session status: not logged in');
    return { ...USER, blocked: this.blocked.has(session) };
  }

  async login(credentials: { email: string; password: string }): Promise<UpstreamLogin> {
    this.logins.push(credentials.email);
    await this.loginGate;
    if (this.loginFailure !== null) throw upstreamFailure(this.loginFailure, 'password login failed');
    this.#logins += 1;
    return { session: `fresh-${credentials.email}-${this.#logins}`, expiresAt: null, user: USER };
  }

  async discover(): Promise<AccountDiscovery> {
    const model = {
      id: `${MODEL}#1`,
      name: MODEL,
      displayName: MODEL,
      provider: 'x',
      interfaceType: 'openai_chat',
      accessLevel: null,
      isFree: true,
      isDefault: true,
      weight: 1,
      thinking: false,
      supportsImages: false,
      contextLimit: null,
      outputLimit: null,
      ownerType: null,
    };
    return {
      plan: 'pro',
      models: [model],
      allowedModels: [model],
      defaultModel: model,
      environmentId: 'img',
      hostId: 'public_host',
      wallet: null,
    };
  }

  async stopTask(session: string, taskId: string): Promise<void> {
    this.stopped.push({ session, taskId });
  }

  async logout(): Promise<void> {}
  async listModels(): Promise<never[]> {
    return [];
  }
  async getTaskState(_session: string, taskId: string) {
    return { id: taskId, phase: 'ended' as const, asleep: false, usage: null };
  }
  async deleteTask(): Promise<void> {}
  /** Follow-ups up to this many characters fit. */
  followUpLimit = 1000;
  fitsFollowUp(text: string): boolean {
    return text.length <= this.followUpLimit;
  }
  parseSessionInput(input: string): string {
    const value = input.trim();
    if (value.length === 0) throw new Error('cookie is empty');
    return value;
  }
}
