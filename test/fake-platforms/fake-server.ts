import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake platform saw (bodies parsed as JSON or form). */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
  contentType: string;
  body: unknown;
}

/** A route handler; `params` are the `:name` parts of the matched pattern. */
export type Handler = (
  req: SeenRequest,
  res: ServerResponse,
  params: Record<string, string>,
) => void | Promise<void>;

/** A fake platform: a real HTTP server on 127.0.0.1, port 0, recording every request. */
export interface FakeServer {
  url: string;
  requests: SeenRequest[];
  /** Resolves once a request matching `predicate` has been answered (at once if one was); rejects after `timeoutMs`. */
  handled(predicate: (req: SeenRequest) => boolean, timeoutMs?: number): Promise<SeenRequest>;
  close(): Promise<void>;
}

type Route = [method: string, pattern: RegExp, keys: string[], handler: Handler];

/** `route('POST', '/api/sessions/:id/messages', handler)`. */
export function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const source = path.replace(/:([a-z_]+)/gi, (_m, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return [method, new RegExp(`^${source}$`), keys, handler];
}

/** Start a fake with these routes; unknown paths answer 404 `{"detail":"Not Found"}` (FastAPI). */
export async function startFakeServer(routes: readonly Route[]): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const answered: SeenRequest[] = [];
  const listeners = new Set<(req: SeenRequest) => void>();
  const server = createServer((incoming, res) => {
    void handle(incoming, res);
  });
  async function handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const contentType = incoming.headers['content-type'] ?? '';
    const body = contentType.includes('x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(raw))
      : parseJson(raw);
    const seen: SeenRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: incoming.headers.authorization ?? null,
      contentType,
      body,
    };
    requests.push(seen);
    await dispatch(seen, res);
    answered.push(seen);
    for (const listener of [...listeners]) listener(seen);
  }
  async function dispatch(seen: SeenRequest, res: ServerResponse): Promise<void> {
    for (const [method, pattern, keys, handler] of routes) {
      const match = method === seen.method ? pattern.exec(seen.path) : null;
      if (match === null) continue;
      const params = Object.fromEntries(keys.map((key, i) => [key, decodeURIComponent(match[i + 1] ?? '')]));
      try {
        await handler(seen, res, params);
      } catch (err) {
        if (!res.headersSent) json(res, 500, { detail: `fake crashed: ${String(err)}` });
        else res.destroy();
      }
      return;
    }
    json(res, 404, { detail: 'Not Found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handled: (predicate, timeoutMs = 5000) => {
      const done = answered.find(predicate);
      if (done !== undefined) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`fake platform: timed out after ${timeoutMs} ms waiting for a request`));
        }, timeoutMs);
        const listener = (req: SeenRequest): void => {
          if (!predicate(req)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(req);
        };
        listeners.add(listener);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Answer with a JSON body. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Start an SSE answer; `send` writes one event (name optional), `end` closes it. */
export function openSse(res: ServerResponse): {
  send(event: string | null, data: unknown, id?: string): void;
  end(): void;
  drop(): void;
} {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  return {
    send(event, data, id) {
      const lines = [
        id ? `id: ${id}` : null,
        event ? `event: ${event}` : null,
        `data: ${typeof data === 'string' ? data : JSON.stringify(data)}`,
      ];
      res.write(`${lines.filter(Boolean).join('\n')}\n\n`);
    },
    end: () => res.end(),
    drop: () => res.destroy(),
  };
}

/** An unsigned JWT-shaped token with `sub` and `exp` (seconds), like the platforms' HS256 tokens. */
export function fakeJwt(sub: string, expSeconds: number, nonce: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, exp: expSeconds, jti: nonce })}.c2ln`;
}

/** The bearer token of a request, or null. */
export function bearerOf(req: SeenRequest): string | null {
  const match = /^Bearer (.+)$/.exec(req.authorization ?? '');
  return match?.[1] ?? null;
}

/** Scripted faults shared by the fakes: each entry is used by the next turn call, then dropped. */
export interface TurnFaults {
  /** Answer the next turn call with this status (e.g. 429). */
  status: number[];
  /** Fail the next turn inside its answer (error event / sentinel / error text). */
  agentError: number;
  /** Cut the next turn's stream (or connection) before its end. */
  drop: number;
}

export function newFaults(): TurnFaults {
  return { status: [], agentError: 0, drop: 0 };
}

/** Take one fault of a counter. */
export function take(faults: TurnFaults, key: 'agentError' | 'drop'): boolean {
  if (faults[key] <= 0) return false;
  faults[key] -= 1;
  return true;
}
