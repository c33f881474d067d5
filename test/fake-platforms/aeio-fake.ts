import { randomBytes, randomUUID } from 'node:crypto';
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
 * A fake Aeio Dev Agent built from docs/upstream/aeio.md, quirks included (docs/upstream/notes/003-aeio.md §5.4): one retained
 * event queue per session, the stream ends at the first `completed`/`failed`/`done` (plus an
 * appended `done`), `completed` comes before the answer is committed, the background `done` stays
 * queued and ends the next turn's stream at once, an `error` event does not end the stream.
 */
export interface AeioFake extends FakeServer {
  faults: TurnFaults;
  expireTokens(): void;
  /** User messages per session. */
  sessions: Map<string, string[]>;
  /** Sessions deleted by the client. */
  deleted: string[];
  /** The next turns whose tool step fails (`failed` ends the stream mid-turn; the loop goes on). */
  toolFailures: { count: number };
}

interface QueuedEvent {
  event: string;
  data: unknown;
  id?: string;
}

interface Session {
  owner: number;
  messages: { id: number; role: string; content: string }[];
  steps: Map<number, Record<string, unknown>[]>;
  queue: QueuedEvent[];
  wake: (() => void) | null;
}

const STEP_DELAY_MS = 3;

export async function startAeioFake(options: { users: Record<string, string> }): Promise<AeioFake> {
  const tokens = new Map<string, number>();
  const sessions = new Map<string, Session>();
  const userMessages = new Map<string, string[]>();
  const deleted: string[] = [];
  const faults = newFaults();
  const toolFailures = { count: 0 };
  const names = Object.keys(options.users);
  let nextMessage = 1;
  let nextStep = 1;
  const authed = (req: SeenRequest, res: ServerResponse): number | null => {
    const token = bearerOf(req);
    const user = token === null ? undefined : tokens.get(token);
    if (user === undefined)
      json(
        res,
        401,
        { detail: token === null ? 'Not authenticated' : 'Invalid authentication credentials' },
        { 'www-authenticate': 'Bearer' },
      );
    return user ?? null;
  };
  const own = (req: SeenRequest, res: ServerResponse, id: string): Session | null => {
    const user = authed(req, res);
    if (user === null) return null;
    const session = sessions.get(id);
    if (session === undefined || session.owner !== user) {
      json(res, 404, { detail: 'Session not found' });
      return null;
    }
    return session;
  };
  const emit = (session: Session, event: QueuedEvent) => {
    session.queue.push(event);
    session.wake?.();
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, STEP_DELAY_MS));

  async function runAgent(
    sessionId: string,
    session: Session,
    m: number,
    content: string,
    failure: 'error' | 'tool' | null,
  ): Promise<void> {
    const steps: Record<string, unknown>[] = [];
    session.steps.set(m, steps);
    const step = (event: string, fields: Record<string, unknown>) => {
      const s = {
        id: nextStep++,
        session_id: sessionId,
        message_id: m,
        iteration: 1,
        status: event === 'thinking_delta' ? 'thinking' : event,
        reasoning_content: null,
        tool_name: null,
        tool_arguments: null,
        tool_call_id: null,
        tool_result: null,
        tool_error: null,
        progress: 10,
        ...fields,
      };
      steps.push(s);
      emit(session, {
        event,
        data: { type: 'step', data: s },
        id: `step_${String(s.id)}${event === 'thinking_delta' ? '_delta' : ''}`,
      });
    };
    step('thinking', {});
    await pause();
    step('thinking_delta', { reasoning_content: 'Plan: ' });
    await pause();
    step('thinking_delta', { reasoning_content: 'Plan: write the file.' });
    await pause();
    if (failure === 'error') {
      emit(session, { event: 'error', data: { error: 'DeepSeek API error' } });
      setMessage(session, m, 'AI服务出错：DeepSeek API error');
      return;
    }
    step('tool_calling', {
      tool_name: 'write',
      tool_arguments: { filename: 'index.html' },
      tool_call_id: 'call_1',
    });
    step('tool_executing', { tool_name: 'write', tool_call_id: 'call_1' });
    await pause();
    if (failure === 'tool')
      step('failed', { tool_name: 'write', tool_call_id: 'call_1', tool_error: 'disk full' });
    else step('tool_completed', { tool_name: 'write', tool_call_id: 'call_1', tool_result: 'ok' });
    await pause();
    step('completed', { progress: 100 });
    await pause(); // docs/upstream/notes/003-aeio.md §5.4 item 5: the answer is committed after `completed`
    const n = userMessages.get(sessionId)?.length ?? 0;
    setMessage(session, m, `aeio reply ${n}: ${content.slice(-40)}`);
    emit(session, { event: 'done', data: { done: true } });
  }

  function setMessage(session: Session, m: number, content: string): void {
    const message = session.messages.find((item) => item.id === m);
    if (message) message.content = content;
  }

  async function stream(req: SeenRequest, res: ServerResponse, id: string): Promise<void> {
    const session = own(req, res, id);
    if (session === null) return;
    const sse = openSse(res);
    let closed = false;
    res.on('close', () => {
      closed = true;
      session.wake?.();
    });
    const drop = take(faults, 'drop');
    let sent = 0;
    while (!closed) {
      const next = session.queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => {
          session.wake = resolve;
        });
        session.wake = null;
        continue;
      }
      sse.send(next.event, next.data, next.id);
      sent += 1;
      if (drop && sent === 3) return sse.drop();
      // docs/upstream/notes/003-aeio.md §5.4 item 3: the server ends the stream at the first terminal-looking event.
      if (next.event === 'completed' || next.event === 'failed' || next.event === 'done') {
        sse.send('done', { done: true });
        return sse.end();
      }
    }
  }

  const fake = await startFakeServer([
    route('POST', '/api/auth/login', (req, res) => {
      const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
      if (typeof body.username !== 'string' || typeof body.password !== 'string')
        return json(res, 422, {
          detail: [{ type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null }],
        });
      if (options.users[body.username] !== body.password)
        return json(res, 401, { detail: 'Incorrect username or password' }, { 'www-authenticate': 'Bearer' });
      const user = names.indexOf(body.username) + 1;
      const token = fakeJwt(String(user), Math.floor(Date.now() / 1000) + 30 * 86_400, randomUUID());
      tokens.set(token, user);
      json(res, 200, { access_token: token, token_type: 'bearer' });
    }),
    route('GET', '/api/auth/me', (req, res) => {
      const user = authed(req, res);
      if (user !== null)
        json(res, 200, {
          id: user,
          username: names[user - 1],
          email: `${names[user - 1]}@example.com`,
          created_at: '2026-01-18T08:00:00',
          updated_at: '2026-01-18T08:00:00',
        });
    }),
    route('POST', '/api/sessions', (req, res) => {
      const user = authed(req, res);
      if (user === null) return;
      const title = (req.body as { title?: unknown } | undefined)?.title;
      if (typeof title !== 'string')
        return json(res, 422, {
          detail: [{ type: 'missing', loc: ['body', 'title'], msg: 'Field required', input: null }],
        });
      const id = randomBytes(16).toString('hex');
      sessions.set(id, { owner: user, messages: [], steps: new Map(), queue: [], wake: null });
      json(res, 201, {
        id,
        title,
        is_public: false,
        created_at: '2026-01-18T08:00:00',
        updated_at: '2026-01-18T08:00:00',
      });
    }),
    route('DELETE', '/api/sessions/:id', (req, res, { id }) => {
      if (own(req, res, id ?? '') === null) return;
      sessions.delete(id ?? '');
      deleted.push(id ?? '');
      json(res, 204, null);
    }),
    route('POST', '/api/sessions/:id/messages', (req, res, { id }) => {
      const session = own(req, res, id ?? '');
      if (session === null) return;
      const status = faults.status.shift();
      if (status !== undefined) return json(res, status, { detail: 'Too many requests' });
      const raw = (req.body as { content?: unknown } | undefined)?.content;
      if (typeof raw !== 'string')
        return json(res, 422, {
          detail: [{ type: 'missing', loc: ['body', 'content'], msg: 'Field required', input: null }],
        });
      const content = raw.length > 1000 ? `${raw.slice(0, 1000)}...(消息已截取)` : raw; // docs/upstream/notes/003-aeio.md §4.1
      const list = userMessages.get(id ?? '') ?? [];
      list.push(content);
      userMessages.set(id ?? '', list);
      session.messages.push({ id: nextMessage++, role: 'user', content });
      const m = nextMessage++;
      session.messages.push({ id: m, role: 'assistant', content: '' });
      json(res, 200, {
        id: m,
        content: '',
        role: 'assistant',
        reasoning_content: null,
        tool_calls: null,
        tool_call_id: null,
        created_at: '2026-01-18T08:00:00',
      });
      const failure = take(faults, 'agentError') ? 'error' : toolFailures.count > 0 ? 'tool' : null;
      if (failure === 'tool') toolFailures.count -= 1;
      void runAgent(id ?? '', session, m, content, failure);
    }),
    route('GET', '/api/sessions/:id/messages/stream', (req, res, { id }) => stream(req, res, id ?? '')),
    route('GET', '/api/sessions/:id/messages', (req, res, { id }) => {
      const session = own(req, res, id ?? '');
      if (session !== null)
        json(
          res,
          200,
          session.messages.map((m) => ({
            ...m,
            reasoning_content: null,
            tool_calls: null,
            tool_call_id: null,
            created_at: '2026-01-18T08:00:00',
          })),
        );
    }),
    route('GET', '/api/sessions/:id/messages/:m/execution-steps', (req, res, { id, m }) => {
      const session = own(req, res, id ?? '');
      if (session === null) return;
      if (!/^\d+$/.test(m ?? ''))
        return json(res, 422, {
          detail: [
            {
              type: 'int_parsing',
              loc: ['path', 'message_id'],
              msg: 'Input should be a valid integer',
              input: m,
            },
          ],
        });
      json(res, 200, session.steps.get(Number(m)) ?? []);
    }),
  ]);
  return {
    ...fake,
    faults,
    toolFailures,
    sessions: userMessages,
    deleted,
    expireTokens: () => tokens.clear(),
  };
}
