import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  bearerOf,
  fakeJwt,
  json,
  newFaults,
  openSse,
  route,
  startFakeServer,
  take,
  type FakeServer,
  type SeenRequest,
  type TurnFaults,
} from './fake-server.js';

/**
 * A fake Tiangong platform built from docs/upstream/tiangong.md: form-encoded login → JWT,
 * `/auth/me`, `/agents`, and `/agent-chat/{bare|agent}/stream` SSE with `token`, `tool_call`,
 * `tool_result`, `done` (token_usage, session_id) and `error` events. `typeInData` switches to
 * the "data-only" pattern (event name in `data.type`, docs/upstream/notes/004-tiangong.md §5.2 pattern B).
 */
export interface TiangongFake extends FakeServer {
  faults: TurnFaults;
  expireTokens(): void;
  /** Messages each session received. */
  sessions: Map<string, string[]>;
}

export async function startTiangongFake(options: {
  users: Record<string, string>;
  typeInData?: boolean;
}): Promise<TiangongFake> {
  const tokens = new Map<string, string>();
  const sessions = new Map<string, string[]>();
  const faults = newFaults();
  const agentId = '8d3c2a8e-5a4b-4c8e-9d1f-2b7e6a1c0f33';
  const authed = (req: SeenRequest, res: ServerResponse): string | null => {
    const email = tokens.get(bearerOf(req) ?? '') ?? null;
    if (email === null)
      json(res, 401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });
    return email;
  };
  const chat = (agent: string) => (req: SeenRequest, res: ServerResponse) => {
    if (authed(req, res) === null) return;
    const status = faults.status.shift();
    if (status !== undefined)
      return json(res, status, { error: 'RATE_LIMITED', message: 'too many requests' });
    const body = (req.body ?? {}) as { message?: unknown; session_id?: unknown };
    if (typeof body.message !== 'string' || body.message === '')
      return json(res, 422, {
        detail: [{ loc: ['body', 'message'], msg: 'Field required', type: 'missing' }],
      });
    const session = typeof body.session_id === 'string' ? body.session_id : randomUUID();
    const lines = sessions.get(session) ?? [];
    lines.push(body.message);
    sessions.set(session, lines);
    const sse = openSse(res);
    const send = (event: string, data: Record<string, unknown>) =>
      options.typeInData ? sse.send(null, { type: event, ...data }) : sse.send(event, data);
    const answer = `tiangong ${agent} reply ${lines.length}: ${body.message.slice(-40)}`;
    send('tool_call', { name: 'web_search', arguments: { query: 'x' }, id: 'call-1' });
    send('tool_result', { name: 'web_search', id: 'call-1', result: 'ok' });
    for (const piece of answer.match(/.{1,8}/g) ?? []) send('token', { content: piece });
    if (take(faults, 'drop')) return sse.drop();
    if (take(faults, 'agentError')) {
      send('error', { message: 'LLM call failed' });
      return sse.end();
    }
    send('done', {
      session_id: session,
      token_usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
    sse.end();
  };
  const fake = await startFakeServer([
    route('POST', '/api/v1/auth/login', (req, res) => {
      const form = (req.body ?? {}) as { username?: unknown; password?: unknown };
      if (!req.contentType.includes('x-www-form-urlencoded'))
        return json(res, 422, {
          detail: [{ loc: ['body', 'username'], msg: 'Field required', type: 'missing' }],
        });
      if (typeof form.username !== 'string' || options.users[form.username] !== form.password)
        return json(res, 401, { error: 'INVALID_CREDENTIALS', message: '用户名或密码错误' });
      const token = fakeJwt(`user-${form.username}`, Math.floor(Date.now() / 1000) + 86_400, randomUUID());
      tokens.set(token, form.username);
      json(res, 200, { access_token: token, token_type: 'bearer' });
    }),
    route('GET', '/api/v1/auth/me', (req, res) => {
      const email = authed(req, res);
      if (email !== null) json(res, 200, { id: `user-${email}`, email, nickname: 'dev' });
    }),
    route('GET', '/api/v1/agents', (req, res) => {
      if (authed(req, res) === null) return;
      json(res, 200, {
        items: [
          { id: agentId, name: 'coder', status: 'deployed' },
          { id: randomUUID(), name: 'draft', status: 'stopped' },
        ],
        total: 2,
      });
    }),
    route('POST', '/api/v1/agent-chat/bare/stream', chat('bare')),
    route('POST', '/api/v1/agent-chat/:agent/stream', (req, res, { agent }) => {
      if (agent !== agentId) return json(res, 404, { error: 'AGENT_NOT_FOUND', message: 'agent not found' });
      chat('coder')(req, res);
    }),
  ]);
  return { ...fake, faults, sessions, expireTokens: () => tokens.clear() };
}
