import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Agent } from './agent/agent-types.js';
import type { AppDeps } from './app-deps.js';
import { CaptchaService, type ChallengeRecord } from './captcha/captcha-service.js';
import { FakeEvents } from './events.js';
import { Faults } from './faults.js';
import { createHttpHandler } from './http/http-handler.js';
import { resolveOptions, type FakeUpstreamOptions, type ResolvedOptions } from './options.js';
import { Recorder, type RecordedEntry, type SentFrame } from './recorder.js';
import { authRoutes } from './routes/auth-routes.js';
import { discoveryRoutes } from './routes/discovery-routes.js';
import { oauthRoutes } from './routes/oauth-routes.js';
import { taskRoutes } from './routes/task-routes.js';
import { FakeStore, type NewUser } from './store.js';
import { TaskService } from './tasks/task-service.js';
import type { SessionRecord, TaskRecord, TaskStatus, UserRecord } from './types.js';
import { createUpgradeHandler, type SocketRegistry } from './ws/upgrade-handler.js';

/** Read-only views of the fake's state, for assertions. */
export interface FakeStateView {
  users: ReadonlyMap<string, Readonly<UserRecord>>;
  sessions: ReadonlyMap<string, Readonly<SessionRecord>>;
  tasks: ReadonlyMap<string, Readonly<TaskRecord>>;
  captchaChallenges: ReadonlyMap<string, Readonly<ChallengeRecord>>;
  /** Redeemed, unused captcha tokens: `id:sha256(vertoken)` → expiry (Unix s). */
  captchaTokens: ReadonlyMap<string, number>;
}

/** A running fake MonkeyCode server. */
export interface FakeUpstream {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsUrl: string;
  readonly port: number;
  /** Live switches (`statusVariant`, `closeAfterTurn`, `concurrencyLimit`, `agent`, …) may be changed. */
  readonly options: ResolvedOptions;
  readonly faults: Faults;
  readonly events: FakeEvents;
  /** Every HTTP request, WS handshake, inbound WS message and WS close, in order. */
  readonly requests: readonly RecordedEntry[];
  /** Every frame written to a socket (pings included). */
  readonly sentFrames: readonly SentFrame[];
  readonly state: FakeStateView;
  addUser(input: NewUser): Readonly<UserRecord>;
  updateUser(
    userId: string,
    patch: Partial<Pick<UserRecord, 'blocked' | 'plan' | 'password' | 'concurrencyLimit'>>,
  ): void;
  /** Creates a session as password login would; returns the cookie value (UUID). */
  issueSession(userId: string): string;
  expireSession(cookie: string): void;
  expireAllSessions(): void;
  /** Lets `userId` watch a task's stream read-only (its frames are ignored). */
  shareTask(taskId: string, userId: string): void;
  setAgent(agent: Agent): void;
  /** Resolves when the task has (or reaches) `status`. */
  waitForTaskStatus(taskId: string, status: TaskStatus, timeoutMs?: number): Promise<void>;
  /** Resolves when turn `turn` of the task has ended (or was aborted). */
  waitForTurnEnd(taskId: string, turn: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake on `options.host:options.port` (default 127.0.0.1:0). */
export async function startFakeUpstream(input: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const options = resolveOptions(input);
  const store = new FakeStore();
  const events = new FakeEvents();
  const recorder = new Recorder();
  const tasks = new TaskService(store, options, events);
  const deps: AppDeps = {
    store,
    options,
    captcha: new CaptchaService(options.captcha),
    tasks,
    events,
    recorder,
  };
  const registry: SocketRegistry = { streams: new Set(), sockets: new Set(), nextId: 1 };
  const faults = new Faults(store, tasks, options, () => registry.streams);
  const routes = [...authRoutes(deps), ...discoveryRoutes(deps), ...taskRoutes(deps), ...oauthRoutes(deps)];
  const handle = createHttpHandler(deps, routes, faults);
  const server = createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxInboundBytes });
  server.on('upgrade', createUpgradeHandler(deps, faults, wss, registry));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake-upstream: no TCP address');
  const port = (address satisfies AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const task = (id: string): TaskRecord => {
    const t = store.tasks.get(id);
    if (t === undefined) throw new Error(`fake-upstream: unknown task ${id}`);
    return t;
  };
  const user = (id: string): UserRecord => {
    const u = store.users.get(id);
    if (u === undefined) throw new Error(`fake-upstream: unknown user ${id}`);
    return u;
  };

  return {
    url: `http://${hostForUrl}:${port}`,
    wsUrl: `ws://${hostForUrl}:${port}`,
    port,
    options,
    faults,
    events,
    requests: recorder.requests,
    sentFrames: recorder.sent,
    state: {
      users: store.users,
      sessions: store.sessions,
      tasks: store.tasks,
      captchaChallenges: deps.captcha.challenges,
      captchaTokens: deps.captcha.tokens,
    },
    addUser: (u) => store.addUser(u),
    updateUser: (id, patch) => Object.assign(user(id), patch),
    issueSession: (userId) => store.issueSession(userId),
    expireSession: (cookie) => {
      const s = store.sessions.get(cookie);
      if (s !== undefined) s.expiresAt = 0;
    },
    expireAllSessions: () => {
      for (const s of store.sessions.values()) s.expiresAt = 0;
    },
    shareTask: (taskId, userId) => void task(taskId).viewers.add(userId),
    setAgent: (agent) => {
      options.agent = agent;
    },
    waitForTaskStatus: async (taskId, status, timeoutMs) => {
      if (task(taskId).status === status) return;
      await events.waitFor('task-status', (e) => e.taskId === taskId && e.status === status, timeoutMs);
    },
    waitForTurnEnd: async (taskId, turn, timeoutMs) => {
      const t = task(taskId).turns.find((r) => r.number === turn);
      if (t !== undefined && t.state !== 'running') return;
      await events.waitFor('turn-ended', (e) => e.taskId === taskId && e.turn === turn, timeoutMs);
    },
    close: async () => {
      tasks.close();
      for (const ws of registry.sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
