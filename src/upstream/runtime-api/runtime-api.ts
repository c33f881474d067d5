import { z } from 'zod';
import { failureFromStatus } from '../bearer/http-failure.js';
import type { BearerHttp } from '../bearer/http.js';
import { loginCall, unexpectedBody } from '../bearer/login.js';
import type { BearerPlatform } from '../bearer/platform.js';
import type { TokenState } from '../bearer/token-session.js';
import type { Clock } from '../../util/timing.js';
import { runEventsToUpstream } from './run-events.js';

/*
 * "Runtime API" (docs/upstream/runtime-api.md; known from its route document only). E-mail login
 * with an access token (expires_in) and a rotating refresh token; one agent; one non-streaming
 * call per turn that returns the whole run; the server keeps the conversation by `session_id`.
 */

const PREFIX = '/api/v1';
/** docs/upstream/notes/001-runtime-api.md §3: `message` is 1..8000 characters (422 beyond). */
const MAX_MESSAGE = 8000;

const tokenPair = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  user: z.looseObject({ id: z.union([z.string(), z.number()]), email: z.string().optional() }).optional(),
});
const meAnswer = z.looseObject({
  id: z.union([z.string(), z.number()]),
  username: z.string().optional(),
  email: z.string().optional(),
});
const runEvent = z.looseObject({
  type: z.string(),
  run_id: z.string().nullish(),
  message_id: z.string().nullish(),
  delta: z.string().nullish(),
  tool_name: z.string().nullish(),
  result: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
});
const chatAnswer = z.looseObject({
  session_id: z.string().min(1),
  output: z.string().nullable(),
  events: z.array(runEvent).default([]),
});

export type RuntimeRunEvent = z.infer<typeof runEvent>;

function tokensOf(
  json: unknown,
  clock: Clock,
  context: string,
): { tokens: TokenState; pair: z.infer<typeof tokenPair> } {
  const parsed = tokenPair.safeParse(json);
  if (!parsed.success) throw unexpectedBody(context, parsed.error);
  const pair = parsed.data;
  return {
    pair,
    tokens: {
      access: pair.access_token,
      refresh: pair.refresh_token,
      expiresAt: clock.now() + pair.expires_in * 1000,
    },
  };
}

/** The Runtime API platform; `clock` dates token ends from `expires_in`. */
export function runtimeApiPlatform(clock: Clock): BearerPlatform {
  return {
    platform: 'runtime-api',
    maxInputChars: MAX_MESSAGE,

    // docs/upstream/notes/001-runtime-api.md §2.1
    async login(http, { email, password }, options) {
      const answer = await loginCall(http, {
        method: 'POST',
        path: `${PREFIX}/auth/sessions`,
        body: { email, password },
        context: 'runtime-api login',
        options,
      });
      const { tokens, pair } = tokensOf(answer.json, clock, 'runtime-api login');
      const id = pair.user === undefined ? email : String(pair.user.id);
      return {
        tokens,
        user: { id, name: email, email: pair.user?.email ?? email, role: null, status: null, blocked: false },
      };
    },

    // docs/upstream/notes/001-runtime-api.md §2.3: rotating refresh; a refused refresh token is an expired session (the pool logs in again).
    refresh: (http: BearerHttp, refreshToken: string) => refreshTokens(http, clock, refreshToken),

    // docs/upstream/notes/001-runtime-api.md §2.4: DELETE with a JSON body; the access token may stay valid until it ends.
    async logout(http, tokens, options) {
      if (tokens.refresh === null) return;
      const answer = await http.read({
        method: 'DELETE',
        path: `${PREFIX}/auth/sessions`,
        body: { refresh_token: tokens.refresh },
        context: 'runtime-api logout',
        options,
      });
      if (answer.status >= 500) throw failureFromStatus(answer, 'runtime-api logout');
    },

    // docs/upstream/notes/001-runtime-api.md §2.6
    async me(http, token, options) {
      const answer = await http.expectOk({
        method: 'GET',
        path: `${PREFIX}/users/me`,
        token,
        context: 'runtime-api users/me',
        options,
      });
      const parsed = meAnswer.safeParse(answer.json);
      if (!parsed.success) throw unexpectedBody('runtime-api users/me', parsed.error);
      const name = parsed.data.username ?? parsed.data.email ?? String(parsed.data.id);
      return {
        id: String(parsed.data.id),
        name,
        email: parsed.data.email ?? '',
        role: null,
        status: null,
        blocked: false,
      };
    },

    // docs/upstream/notes/001-runtime-api.md §6: no listing; the agent is implicit.
    models: () =>
      Promise.resolve([{ id: 'agent', name: 'agent', displayName: 'Runtime API agent', isDefault: true }]),

    // docs/upstream/notes/001-runtime-api.md §3: one call runs the whole agent; the answer holds `output` and the event log.
    async *turn(ctx, turn) {
      const body =
        turn.conversationId === null
          ? { message: turn.message }
          : { message: turn.message, session_id: turn.conversationId };
      const answer = await ctx.call((token) =>
        ctx.http.expectOk({
          method: 'POST',
          path: `${PREFIX}/agent-chats`,
          token,
          body,
          context: 'runtime-api agent-chats',
          options: { signal: ctx.signal, timeoutMs: ctx.turnTimeoutMs },
        }),
      );
      const parsed = chatAnswer.safeParse(answer.json);
      if (!parsed.success) throw unexpectedBody('runtime-api agent-chats', parsed.error);
      const taskId = turn.conversationId ?? parsed.data.session_id;
      if (turn.conversationId !== null && parsed.data.session_id !== turn.conversationId) {
        ctx.logger.warn(
          { platform: 'runtime-api' },
          'the run answered on another session than the one continued',
        );
      }
      yield { type: turn.conversationId === null ? 'task-created' : 'task-resumed', taskId };
      yield { type: 'turn-started', taskId };
      yield* runEventsToUpstream(parsed.data.events, parsed.data.output ?? '');
      yield { type: 'answer-complete' };
      yield { type: 'finish', taskId };
    },

    // docs/upstream/notes/001-runtime-api.md §8: no call deletes a session.
    closeConversation: () => Promise.resolve(),
  };
}

async function refreshTokens(http: BearerHttp, clock: Clock, refreshToken: string): Promise<TokenState> {
  const answer = await http.read({
    method: 'POST',
    path: `${PREFIX}/auth/sessions/refresh`,
    body: { refresh_token: refreshToken },
    context: 'runtime-api refresh',
  });
  if (answer.status === 401 || answer.status === 422)
    throw failureFromStatus(answer, 'runtime-api refresh', 'session-expired');
  if (answer.status < 200 || answer.status > 299) throw failureFromStatus(answer, 'runtime-api refresh');
  return tokensOf(answer.json, clock, 'runtime-api refresh').tokens;
}
