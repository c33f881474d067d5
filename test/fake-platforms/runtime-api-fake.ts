import { randomUUID } from 'node:crypto';
import {
  bearerOf,
  json,
  newFaults,
  route,
  startFakeServer,
  take,
  type FakeServer,
  type SeenRequest,
  type TurnFaults,
} from './fake-server.js';
import type { ServerResponse } from 'node:http';

/**
 * A fake "Runtime API" built from docs/upstream/runtime-api.md: e-mail login with an access token
 * (`expires_in`) and a rotating refresh token, `/users/me`, and `/agent-chats` answering the
 * whole run as JSON with a `session_id` that continues the conversation. Errors are RFC 7807.
 */
export interface RuntimeApiFake extends FakeServer {
  faults: TurnFaults;
  /** Every access token stops working (as if they all ran out). */
  expireAccessTokens(): void;
  /** Messages each session received, in order. */
  sessions: Map<string, string[]>;
  refreshes: number;
}

function problem(res: ServerResponse, status: number, title: string, detail: string, instance: string): void {
  json(
    res,
    status,
    { type: 'about:blank', title, status, detail, instance },
    { 'content-type': 'application/problem+json' },
  );
}

export async function startRuntimeApiFake(options: {
  users: Record<string, string>;
  expiresIn?: number;
}): Promise<RuntimeApiFake> {
  const access = new Map<string, string>(); // token → email
  const refresh = new Map<string, string>();
  const sessions = new Map<string, string[]>();
  const owners = new Map<string, string>();
  const faults = newFaults();
  const expiresIn = options.expiresIn ?? 3600;
  let refreshes = 0;
  const grant = (email: string) => {
    const a = `at-${randomUUID()}`;
    const r = `rt-${randomUUID()}`;
    access.set(a, email);
    refresh.set(r, email);
    return {
      access_token: a,
      refresh_token: r,
      expires_in: expiresIn,
      token_type: 'bearer',
      user: { id: `u-${email}`, email },
    };
  };
  const user = (req: SeenRequest, res: ServerResponse): string | null => {
    const email = access.get(bearerOf(req) ?? '') ?? null;
    if (email === null) problem(res, 401, 'Unauthorized', '未登录或令牌已过期', req.path);
    return email;
  };
  const body = (req: SeenRequest): Record<string, unknown> =>
    typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const fake = await startFakeServer([
    route('POST', '/api/v1/auth/sessions', (req, res) => {
      const { email, password } = body(req);
      if (typeof email !== 'string' || typeof password !== 'string')
        return problem(res, 422, 'Unprocessable Entity', '参数无效', req.path);
      if (options.users[email] !== password)
        return problem(res, 401, 'Unauthorized', '邮箱或密码错误', req.path);
      json(res, 200, grant(email));
    }),
    route('POST', '/api/v1/auth/sessions/refresh', (req, res) => {
      const token = body(req).refresh_token;
      const email = typeof token === 'string' ? refresh.get(token) : undefined;
      if (email === undefined) return problem(res, 401, 'Unauthorized', '刷新令牌无效', req.path);
      refresh.delete(token as string); // rotating: one use only
      refreshes += 1;
      json(res, 200, grant(email));
    }),
    route('DELETE', '/api/v1/auth/sessions', (req, res) => {
      const token = body(req).refresh_token;
      if (typeof token !== 'string') return problem(res, 422, 'Unprocessable Entity', '参数无效', req.path);
      refresh.delete(token);
      json(res, 204, null);
    }),
    route('GET', '/api/v1/users/me', (req, res) => {
      const email = user(req, res);
      if (email !== null)
        json(res, 200, { id: `u-${email}`, username: email.split('@')[0], avatar_url: null, bio: null });
    }),
    route('POST', '/api/v1/agent-chats', (req, res) => {
      const email = user(req, res);
      if (email === null) return;
      const status = faults.status.shift();
      if (status !== undefined)
        return problem(res, status, status === 429 ? 'Too Many Requests' : 'Error', '请求过于频繁', req.path);
      const { message, session_id } = body(req);
      if (typeof message !== 'string' || message.length < 1 || message.length > 8000)
        return problem(res, 422, 'Unprocessable Entity', 'message 长度必须为 1-8000', req.path);
      const id = typeof session_id === 'string' ? session_id : randomUUID();
      if (typeof session_id === 'string' && owners.get(id) !== email)
        return problem(res, 404, 'Not Found', '会话不存在', req.path);
      if (session_id === undefined) owners.set(id, email);
      if (take(faults, 'drop')) return void res.destroy();
      const history = sessions.get(id) ?? [];
      history.push(message);
      sessions.set(id, history);
      const run = randomUUID();
      if (take(faults, 'agentError')) {
        return json(res, 200, {
          session_id: id,
          output: '',
          events: [
            { type: 'run_started', run_id: run },
            { type: 'run_error', run_id: run, error: 'model overloaded' },
          ],
        });
      }
      const output = `runtime answer ${history.length}: ${message.slice(-40)}`;
      const half = Math.floor(output.length / 2);
      json(res, 200, {
        session_id: id,
        output,
        events: [
          { type: 'run_started', run_id: run },
          { type: 'tool_call', run_id: run, tool_name: 'search' },
          { type: 'tool_result', run_id: run, tool_name: 'search', result: 'found' },
          { type: 'message_delta', run_id: run, message_id: 'm1', delta: output.slice(0, half) },
          { type: 'message_delta', run_id: run, message_id: 'm1', delta: output.slice(half) },
          { type: 'run_completed', run_id: run, output },
        ],
      });
    }),
  ]);
  return {
    ...fake,
    faults,
    sessions,
    get refreshes() {
      return refreshes;
    },
    expireAccessTokens: () => access.clear(),
  };
}
