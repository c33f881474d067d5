import type { Dispatcher } from 'undici';
import { silentLogger, type UpstreamLogger } from '../logger.js';
import { systemClock, systemTimers, type Clock, type Timers } from '../../util/timing.js';
import { BootSchedule } from './boot-schedule.js';
import { undiciWebSocketFactory, type WebSocketFactory } from './web-socket.js';

/** docs/monkeycode-protocol.md §5.7: the official web/mobile clients reconnect after 500 ms, 1 s, 2 s, 4 s, then every 8 s. */
export const REATTACH_BACKOFF_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000];

/** `resource` of a task (docs/monkeycode-protocol.md §4.1). */
export interface TaskResource {
  core: number;
  memory: number;
  life: number;
}

/** docs/monkeycode-protocol.md §4.1: what the official clients send; only `life` is validated (≤ 10800 s on public_host). */
export const DEFAULT_RESOURCE: Readonly<TaskResource> = { core: 2, memory: 8_589_934_592, life: 10_800 };

/** Everything the MonkeyCode client can be configured or injected with. */
export interface MonkeyCodeOptions {
  /** e.g. `https://monkeycode-ai.com`; `ws(s)://` is derived from it. */
  baseUrl: string | URL;
  /** undici dispatcher for HTTP calls (Agent, ProxyAgent, MockAgent…). */
  dispatcher?: Dispatcher;
  /** WebSocket constructor wrapper; defaults to undici's `WebSocket`. */
  webSocket?: WebSocketFactory;
  clock?: Clock;
  timers?: Timers;
  logger?: UpstreamLogger;
  /** Per HTTP call (default 30 s). */
  requestTimeoutMs?: number;
  /** WebSocket handshake (default 15 s). */
  connectTimeoutMs?: number;
  /** The longest gap between two status reads of a booting task (default 1 s; boot-schedule.ts). */
  pollIntervalMs?: number;
  /** How status reads of a booting task are scheduled around the expected boot (boot-schedule.ts). */
  readiness?: { denseIntervalMs?: number; history?: number };
  /** How long a new task may stay `pending` (default 5 min; the server gives up at 10 min, docs/monkeycode-protocol.md §7). */
  vmReadyTimeoutMs?: number;
  /** Nothing but pings for this long ends the turn with a timeout (default 10 min). */
  turnTimeoutMs?: number;
  /** No frame at all (not even a ping) for this long means the socket is dead (default 25 s, docs/monkeycode-protocol.md §5.7). */
  socketIdleTimeoutMs?: number;
  /** Time budget for the captcha proof-of-work (default 30 s). */
  captchaBudgetMs?: number;
  /** `resource` sent on task creation. */
  resource?: Partial<TaskResource>;
  /** Sent as `Accept-Language` so error messages come in English (default `en`). */
  acceptLanguage?: string;
  /** Frames buffered ahead of the consumer before the turn fails (default 10 000). */
  maxQueuedFrames?: number;
  /** Reattaches of one turn whose socket was lost while the task lives (default 5; 0: never, docs/monkeycode-protocol.md §5.7). */
  maxReattaches?: number;
  /** Waits before each reattach (default the official 500 ms, 1 s, 2 s, 4 s, 8 s; the last repeats). */
  reattachBackoffMs?: readonly number[];
}

/** Options with every default filled in; what the internals receive. */
export interface MonkeyCodeDeps {
  baseUrl: URL;
  dispatcher: Dispatcher | undefined;
  webSocket: WebSocketFactory;
  clock: Clock;
  timers: Timers;
  logger: UpstreamLogger;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** When to read booting tasks; learns from this client's boots (one per process). */
  bootSchedule: BootSchedule;
  vmReadyTimeoutMs: number;
  turnTimeoutMs: number;
  socketIdleTimeoutMs: number;
  captchaBudgetMs: number;
  resource: TaskResource;
  acceptLanguage: string;
  maxQueuedFrames: number;
  maxReattaches: number;
  reattachBackoffMs: readonly number[];
}

/** Fill in defaults and check the base URL. */
export function resolveOptions(options: MonkeyCodeOptions): MonkeyCodeDeps {
  const baseUrl = new URL(String(options.baseUrl));
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
    throw new TypeError(`upstream base URL must be http(s), got ${baseUrl.protocol}`);
  }
  return {
    baseUrl,
    dispatcher: options.dispatcher,
    webSocket: options.webSocket ?? undiciWebSocketFactory,
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    logger: options.logger ?? silentLogger,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    bootSchedule: new BootSchedule({
      maxIntervalMs: options.pollIntervalMs ?? 1_000,
      denseIntervalMs: options.readiness?.denseIntervalMs ?? 100,
      history: options.readiness?.history ?? 20,
    }),
    vmReadyTimeoutMs: options.vmReadyTimeoutMs ?? 300_000,
    turnTimeoutMs: options.turnTimeoutMs ?? 600_000,
    socketIdleTimeoutMs: options.socketIdleTimeoutMs ?? 25_000,
    captchaBudgetMs: options.captchaBudgetMs ?? 30_000,
    resource: { ...DEFAULT_RESOURCE, ...options.resource },
    acceptLanguage: options.acceptLanguage ?? 'en',
    maxQueuedFrames: options.maxQueuedFrames ?? 10_000,
    maxReattaches: options.maxReattaches ?? 5,
    reattachBackoffMs: options.reattachBackoffMs ?? REATTACH_BACKOFF_MS,
  };
}

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Absolute URL of an API path (`/api/v1/...`) under the base URL. */
export function apiUrl(deps: Pick<MonkeyCodeDeps, 'baseUrl'>, path: string, query: Query = {}): URL {
  return new URL(apiTarget(deps, path, query).href);
}

/** Where a REST call goes: the origin and the path with its query, as undici's `dispatch` takes them. */
export interface ApiTarget {
  origin: string;
  /** Path and query, e.g. `/api/v1/users/tasks/1?mode=attach`. */
  path: string;
  href: string;
}

// Absolute paths of word characters, `-` and `/` only (API paths, UUIDs) read the same after URL
// parsing.
const PLAIN_PATH = /^\/[\w\-/]*$/;

/**
 * The target of an API path under the base URL, built as strings: every REST call needs one, and
 * parsing a URL costs more than the rest of this. A path the URL parser would rewrite (dot
 * segments, characters to escape) is parsed as a URL, as before.
 */
export function apiTarget(deps: Pick<MonkeyCodeDeps, 'baseUrl'>, path: string, query: Query = {}): ApiTarget {
  const base = deps.baseUrl;
  const origin = base.origin;
  // A URL's pathname is never empty (`/` at least), so drop trailing slashes here.
  const fullPath = `${base.pathname.replace(/\/+$/, '')}${path}`;
  const search = querySearch(query);
  if (origin !== 'null' && PLAIN_PATH.test(fullPath)) {
    const pathAndQuery = search === '' ? fullPath : `${fullPath}?${search}`;
    return { origin, path: pathAndQuery, href: `${origin}${pathAndQuery}` };
  }
  const url = new URL(search === '' ? `${origin}${fullPath}` : `${origin}${fullPath}?${search}`);
  return { origin: url.origin, path: `${url.pathname}${url.search}`, href: url.href };
}

function querySearch(query: Query): string {
  let params: URLSearchParams | null = null;
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    params ??= new URLSearchParams();
    params.set(key, String(value));
  }
  return params === null ? '' : params.toString();
}
