import { z } from 'zod';
import { isUpstreamFailure, upstreamFailure } from '../errors.js';
import { failureFromStatus } from '../bearer/http-failure.js';
import { readSseEvents } from '../bearer/sse-events.js';
import { jwtLogin, unexpectedBody } from '../bearer/login.js';
import { joinId, splitId, type BearerPlatform, type PlatformModel } from '../bearer/platform.js';
import { streamEventsToUpstream } from './stream-events.js';

/*
 * 天工 / Tiangong agent platform (docs/upstream/tiangong.md; known from its API reference only).
 * Form-encoded OAuth2-password login → HS256 JWT without refresh; agents are the models, plus the
 * default "bare" chat; one SSE call per turn; `session_id` continues a conversation.
 */

const PREFIX = '/api/v1';
/** The default chat that needs no agent (docs/upstream/notes/004-tiangong.md §4.1). */
export const BARE = 'bare';

const meAnswer = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  email: z.string().optional(),
  username: z.string().optional(),
  nickname: z.string().optional(),
});
const agent = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().nullish(),
});
const agents = z.array(agent);
/** docs/upstream/notes/004-tiangong.md §3: pagination shape undocumented; a bare list or one under a common key. */
const LIST_KEYS = ['items', 'agents', 'data', 'results'] as const;
const wrapped = z.looseObject({
  items: agents.optional(),
  agents: agents.optional(),
  data: agents.optional(),
  results: agents.optional(),
});

/** Agents that cannot chat (docs/upstream/notes/004-tiangong.md §3: deploy/stop; the status words are a guess). */
const IDLE_STATUSES = new Set(['stopped', 'draft', 'disabled', 'archived']);

function agentsOf(json: unknown): z.infer<typeof agent>[] | null {
  const bare = agents.safeParse(json);
  if (bare.success) return bare.data;
  const parsed = wrapped.safeParse(json);
  if (!parsed.success) return null;
  for (const key of LIST_KEYS) {
    const list = parsed.data[key];
    if (list !== undefined) return list;
  }
  return null;
}

export const tiangongPlatform: BearerPlatform = {
  platform: 'tiangong',
  maxInputChars: null,
  refresh: null,

  // docs/upstream/notes/004-tiangong.md §2.1: OAuth2PasswordRequestForm; `username` carries the login (the e-mail, registration has no username).
  login: (http, { email, password }, options) =>
    jwtLogin(
      http,
      {
        method: 'POST',
        path: `${PREFIX}/auth/login`,
        form: { username: email, password },
        context: 'tiangong login',
        options,
      },
      email,
      email,
    ),

  // No logout call in the reference.
  logout: () => Promise.resolve(),

  // docs/upstream/notes/004-tiangong.md §2.2
  async me(http, token, options) {
    const answer = await http.expectOk({
      method: 'GET',
      path: `${PREFIX}/auth/me`,
      token,
      context: 'tiangong auth/me',
      options,
    });
    const parsed = meAnswer.safeParse(answer.json);
    if (!parsed.success) throw unexpectedBody('tiangong auth/me', parsed.error);
    const { id, email, username, nickname } = parsed.data;
    const name = nickname ?? username ?? email ?? String(id ?? 'user');
    return {
      id: String(id ?? email ?? name),
      name,
      email: email ?? '',
      role: null,
      status: null,
      blocked: false,
    };
  },

  // docs/upstream/notes/004-tiangong.md §3: the bare chat plus every agent that is not stopped; an unreadable agent list leaves the bare chat.
  async models(http, token, options) {
    const models: PlatformModel[] = [
      { id: BARE, name: BARE, displayName: 'Tiangong default chat', isDefault: true },
    ];
    try {
      const answer = await http.expectOk({
        method: 'GET',
        path: `${PREFIX}/agents`,
        token,
        context: 'tiangong agents',
        options,
      });
      for (const a of agentsOf(answer.json) ?? []) {
        if (a.status && IDLE_STATUSES.has(a.status.toLowerCase())) continue;
        models.push({
          id: a.id,
          name: `agent/${a.id}`,
          displayName: a.name ?? `agent ${a.id}`,
          isDefault: false,
        });
      }
    } catch (err) {
      if (isUpstreamFailure(err) && err.kind === 'session-expired') throw err;
    }
    return models;
  },

  // docs/upstream/notes/004-tiangong.md §4–§5: POST …/stream; a new conversation gets a client-made session id (docs/upstream/notes/004-tiangong.md §4.3), replaced by
  // the server's when an event names another one.
  async *turn(ctx, turn) {
    let agentId: string;
    let sessionId: string;
    if (turn.conversationId === null) {
      agentId = turn.modelId ?? BARE;
      sessionId = ctx.newId();
      yield { type: 'task-created', taskId: joinId(agentId, sessionId) };
    } else {
      const parts = splitId(turn.conversationId);
      if (parts === null) throw upstreamFailure('not-found', 'not a tiangong conversation id');
      [agentId, sessionId] = parts;
      yield { type: 'task-resumed', taskId: turn.conversationId };
    }
    const path =
      agentId === BARE
        ? `${PREFIX}/agent-chat/bare/stream`
        : `${PREFIX}/agent-chat/${encodeURIComponent(agentId)}/stream`;
    const response = await ctx.call(async (token) => {
      const call = {
        method: 'POST' as const,
        path,
        token,
        accept: 'text/event-stream',
        body: { message: turn.message, session_id: sessionId, streamlined: false },
        context: 'tiangong agent-chat stream',
        options: { signal: ctx.signal },
      };
      const opened = await ctx.http.open(call);
      if (opened.status >= 200 && opened.status <= 299) return opened;
      throw failureFromStatus(await ctx.http.finish(opened, call), call.context);
    });
    yield* streamEventsToUpstream(readSseEvents(response.body), { agentId, sessionId });
  },

  closeConversation: () => Promise.resolve(),
};
