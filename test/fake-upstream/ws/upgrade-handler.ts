import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AppDeps } from '../app-deps.js';
import type { Faults } from '../faults.js';
import { frameworkError, bizError, unauthorizedText, type Reply } from '../http/reply.js';
import { buildContext, queryObject, SESSION_COOKIE, type RequestContext } from '../http/request-context.js';
import { isUuid } from '../ids.js';
import type { TaskRecord } from '../types.js';
import { parseInboundFrame } from '../wire/inbound.js';
import { ControlConnection } from './control-connection.js';
import { FrameSocket } from './frame-socket.js';
import { recordInbound } from './inbound-record.js';
import { StreamConnection } from './stream-connection.js';

/** WebSocket endpoints (docs/monkeycode-protocol.md §5.1, §5.9). */
export const STREAM_PATH = '/api/v1/users/tasks/stream';
export const CONTROL_PATH = '/api/v1/users/tasks/control';

/** Open stream connections, for fault hooks and shutdown. */
export interface SocketRegistry {
  streams: Set<StreamConnection>;
  sockets: Set<WebSocket>;
  nextId: number;
}

function refuse(socket: Duplex, reply: Reply): void {
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`];
  for (const [k, v] of Object.entries(reply.headers))
    head.push(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  head.push(`content-length: ${Buffer.byteLength(reply.body)}`, 'connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${reply.body}`);
}

/** Handshake checks in SRC order: auth (401 text) → id (400 JSON) → task lookup (200 JSON code 500). */
function check(
  deps: AppDeps,
  faults: Faults,
  ctx: RequestContext,
): { reply: Reply } | { task: TaskRecord; writable: boolean } {
  const early = faults.override(ctx, 'before-auth');
  if (early !== undefined) return { reply: early };
  const auth = deps.store.sessionFor(ctx.cookies[SESSION_COOKIE]);
  if (auth === undefined) return { reply: unauthorizedText() };
  ctx.auth = auth;
  const late = faults.override(ctx, 'after-auth');
  if (late !== undefined) return { reply: late };
  const id = ctx.query.get('id') ?? '';
  if (!isUuid(id)) return { reply: frameworkError(400, ctx.lang) };
  const task = deps.store.tasks.get(id.toLowerCase());
  const uid = auth.user.id;
  if (task === undefined || task.deleted || (task.userId !== uid && !task.viewers.has(uid)))
    return { reply: bizError(500, ctx.lang) };
  return { task, writable: task.userId === uid };
}

/** Builds the server's `upgrade` listener. */
export function createUpgradeHandler(
  deps: AppDeps,
  faults: Faults,
  wss: WebSocketServer,
  registry: SocketRegistry,
) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const ctx = buildContext(req, '');
    const base = {
      kind: 'ws-handshake' as const,
      at: Date.now(),
      path: ctx.path,
      query: queryObject(ctx.query),
      headers: ctx.headers,
      cookies: ctx.cookies,
    };
    const outcome =
      ctx.path === STREAM_PATH || ctx.path === CONTROL_PATH
        ? check(deps, faults, ctx)
        : { reply: { status: 404, headers: {}, body: '' } };
    if ('reply' in outcome) {
      deps.events.emit(
        'request',
        deps.recorder.add({ ...base, status: outcome.reply.status, socketId: null }),
      );
      refuse(socket, outcome.reply);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const id = registry.nextId++;
      const { task, writable } = outcome;
      deps.events.emit('request', deps.recorder.add({ ...base, status: 101, socketId: id }));
      registry.sockets.add(ws);
      const isStream = ctx.path === STREAM_PATH;
      const mode = (ctx.query.get('mode') ?? 'new') === 'new' ? 'new' : 'attach';
      const breakIndex = isStream
        ? faults.streamBreaks.findIndex((b) => b.mode === undefined || b.mode === mode)
        : -1;
      const breakSpec = breakIndex >= 0 ? faults.streamBreaks.splice(breakIndex, 1)[0] : undefined;
      const sock = new FrameSocket(ws, id, task.id, deps, breakSpec, () => {
        registry.sockets.delete(ws);
        if (conn instanceof StreamConnection) registry.streams.delete(conn);
        conn.dispose();
      });
      const conn: StreamConnection | ControlConnection = isStream
        ? new StreamConnection(sock, task, mode, writable, deps)
        : new ControlConnection(sock, task, writable, deps);
      if (conn instanceof StreamConnection) registry.streams.add(conn);
      ws.on('message', (data) => {
        const raw = Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Array.isArray(data)
            ? Buffer.concat(data).toString('utf8')
            : Buffer.from(data).toString('utf8');
        const parsed = parseInboundFrame(raw);
        deps.events.emit(
          'request',
          deps.recorder.add(recordInbound(id, task.id, raw, parsed.ok ? null : parsed.reason)),
        );
        task.lastActiveAt = Math.floor(Date.now() / 1000);
        if (parsed.ok) conn.handle(parsed.frame);
      });
      deps.events.emit('socket-opened', { socketId: id, taskId: task.id, path: ctx.path });
      conn.start();
    });
  };
}
