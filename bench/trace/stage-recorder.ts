/**
 * Timestamps of the steps of a request on its way through relaypool and the upstream, from Node's
 * and undici's diagnostics channels only (nothing in relaypool's code is touched): the HTTP server
 * receiving a request, each upstream HTTP request and its answer, a WebSocket opening. Times are
 * wall-clock milliseconds with microsecond resolution, comparable between processes on one machine.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** A step: when, what (`arrival`, `create`, `create-answered`, `status:<task>`, `socket:<task>`, `socket-open`…). */
export type StageEvent = [atMs: number, step: string];

/** Now on the wall clock, in ms with sub-ms resolution. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

interface UndiciRequest {
  method: string;
  path: string;
}

const TASK = /^\/api\/v1\/users\/tasks\/([0-9a-f-]{36})$/;
const STREAM = /^\/api\/v1\/users\/tasks\/stream\?id=([0-9a-f-]{36})/;

/** Name an upstream or relaypool request by what it does (see `StageEvent`); null for others. */
export function stepOf({ method, path }: UndiciRequest): string | null {
  if (method === 'POST' && path === '/api/v1/users/tasks') return 'create';
  if (method === 'POST' && path === '/v1/chat/completions') return 'send';
  const socket = STREAM.exec(path);
  if (method === 'GET' && socket) return `socket:${socket[1] ?? ''}`;
  const status = TASK.exec(path);
  if (method === 'GET' && status) return `status:${status[1] ?? ''}`;
  return null;
}

function isUndiciRequest(value: unknown): value is UndiciRequest {
  if (typeof value !== 'object' || value === null) return false;
  return typeof Reflect.get(value, 'method') === 'string' && typeof Reflect.get(value, 'path') === 'string';
}

/** Records steps while started. */
export class StageRecorder {
  #events: StageEvent[] = [];
  readonly #handlers: Array<[string, (message: unknown) => void]> = [
    ['http.server.request.start', () => this.#events.push([wallMs(), 'arrival'])],
    ['undici:request:create', (message) => this.#request(message, '')],
    ['undici:request:headers', (message) => this.#request(message, '-answered')],
    ['undici:websocket:open', () => this.#events.push([wallMs(), 'socket-open'])],
  ];

  start(): void {
    for (const [name, handler] of this.#handlers) subscribe(name, handler);
  }

  /** Stop recording; the steps recorded since `start`. */
  stop(): StageEvent[] {
    for (const [name, handler] of this.#handlers) unsubscribe(name, handler);
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #request(message: unknown, suffix: string): void {
    const at = wallMs();
    const request: unknown =
      typeof message === 'object' && message !== null ? Reflect.get(message, 'request') : null;
    const step = isUndiciRequest(request) ? stepOf(request) : null;
    if (step !== null) this.#events.push([at, `${step}${suffix}`]);
  }
}
