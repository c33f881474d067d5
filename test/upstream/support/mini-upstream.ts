/**
 * A tiny scriptable MonkeyCode look-alike for one test: node:http + ws on 127.0.0.1:0. Each test
 * declares only the routes and socket behaviour its case needs (docs/monkeycode-protocol.md §1–§5).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  cookie: string;
  body: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Objects are sent as JSON. */
  body?: unknown;
}

export type Route = (req: SeenRequest) => Reply | Promise<Reply>;

export interface SocketContext {
  ws: WebSocket;
  req: SeenRequest;
  /** Frames the client sent, raw. */
  received: string[];
  /** Resolves with the close code once the socket is closed; `byClient` unless `drop()` was used. */
  closed: Promise<{ code: number; byClient: boolean }>;
  /** Kill the connection from the server side without a close frame. */
  drop(): void;
}

export interface MiniUpstreamOptions {
  /** Keyed by `METHOD /path` (no query). */
  routes?: Record<string, Route>;
  /** Called for every accepted WebSocket. */
  onSocket?: (ctx: SocketContext) => void;
  /** Reject the upgrade with this raw HTTP status (e.g. 401) when it returns a number. */
  rejectUpgrade?: (req: SeenRequest) => number | null;
}

export interface MiniUpstream {
  url: string;
  requests: SeenRequest[];
  sockets: SocketContext[];
  close(): Promise<void>;
}

/** `{code:0,message:"success",data}` (docs/monkeycode-protocol.md §1.1). */
export function ok(data?: unknown): Reply {
  return {
    body: data === undefined ? { code: 0, message: 'success' } : { code: 0, message: 'success', data },
  };
}

/** A business error (docs/monkeycode-protocol.md §1.2): HTTP 200, code ≠ 0, trace suffix. */
export function fail(code: number, message = 'failed'): Reply {
  return { body: { code, message: `${message} [trace_id: 4bf92f3577b34da6]` } };
}

/** A server frame with base64 `data` (docs/monkeycode-protocol.md §5.2). */
export function frame(type: string, data: unknown = null, kind = ''): string {
  const encoded = data === null ? null : Buffer.from(JSON.stringify(data), 'utf8').toString('base64');
  return JSON.stringify({ type, data: encoded, kind, timestamp: type === 'ping' ? 0 : Date.now() });
}

/** An ACP `task-running` frame (docs/monkeycode-protocol.md §6). */
export function acp(update: Record<string, unknown>): string {
  return frame('task-running', { sessionId: 'ses_1', update }, 'acp_event');
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function seen(req: IncomingMessage, body: string): SeenRequest {
  const url = new URL(req.url ?? '/', 'http://x');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    cookie: req.headers.cookie ?? '',
    body: parseBody(body),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  const payload =
    reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...reply.headers,
  });
  res.end(payload);
}

/** Start the server; `close()` in `after`/`finally`. */
export async function startMiniUpstream(options: MiniUpstreamOptions = {}): Promise<MiniUpstream> {
  const requests: SeenRequest[] = [];
  const sockets: SocketContext[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const request = seen(req, await readBody(req));
      requests.push(request);
      const route = options.routes?.[`${request.method} ${request.path}`];
      send(res, route ? await route(request) : { status: 404, body: '404 page not found' });
    })();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const request = seen(req, '');
    requests.push(request);
    const status = options.rejectUpgrade?.(request) ?? null;
    if (status !== null) {
      socket.end(
        `HTTP/1.1 ${status} Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nUnauthorized`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const received: string[] = [];
      let serverClosing = false;
      const closed = new Promise<{ code: number; byClient: boolean }>((resolve) => {
        ws.on('close', (code) => resolve({ code, byClient: !serverClosing }));
      });
      ws.on('message', (data: Buffer) => received.push(data.toString('utf8')));
      const drop = (): void => {
        serverClosing = true;
        ws.terminate();
      };
      const ctx: SocketContext = { ws, req: request, received, closed, drop };
      sockets.push(ctx);
      options.onSocket?.(ctx);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sockets,
    async close() {
      for (const ctx of sockets) ctx.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when the client has sent `count` frames on this socket. */
export function waitForFrames(ctx: SocketContext, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (ctx.received.length >= count) resolve(ctx.received.slice());
      else ctx.ws.once('message', () => setImmediate(check));
    };
    check();
  });
}
