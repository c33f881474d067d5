import { z } from 'zod';
import { upstreamFailure } from '../errors.js';
import type { BearerPlatform, PlatformModel } from '../bearer/platform.js';
import { joinId, splitId } from '../bearer/platform.js';
import { jwtLogin, unexpectedBody } from '../bearer/login.js';
import type { UpstreamUser } from '../types.js';
import { replyFailure } from './sentinels.js';

/*
 * cococat v1 web panel (docs/upstream/cococat.md). Login is the instance's admin password; a
 * "model" is a scene; a conversation is (scene, user_id), kept by the server in the user's
 * history file; the chat call answers with the whole reply (no streaming).
 */

const verifyAnswer = z.looseObject({ valid: z.boolean(), sub: z.union([z.string(), z.number()]).optional() });
const scene = z.looseObject({ id: z.string().min(1) });
const scenesAnswer = z.union([z.looseObject({ scenes: z.array(scene) }), z.array(scene)]);
const chatAnswer = z.looseObject({ reply: z.string(), user_id: z.string().optional() });

function userOf(subject: string, email: string): UpstreamUser {
  return { id: subject, name: subject, email, role: null, status: null, blocked: false };
}

export const cococatPlatform: BearerPlatform = {
  platform: 'cococat',
  maxInputChars: null,
  refresh: null,

  // docs/upstream/notes/002-cococat.md §2.1: v1 takes only the password; `username` is sent for v2 builds and ignored by v1.
  login: (http, { email, password }, options) =>
    jwtLogin(
      http,
      {
        method: 'POST',
        path: '/api/auth/login',
        body: { username: email, password },
        context: 'cococat login',
        options,
      },
      email,
      'admin',
    ),

  // docs/upstream/notes/002-cococat.md §2.1: no logout call; a JWT stays valid until `exp`.
  logout: () => Promise.resolve(),

  // docs/upstream/notes/002-cococat.md §2.4: the token goes in the query string; 401 means invalid or expired.
  async me(http, token, options) {
    const answer = await http.expectOk({
      method: 'GET',
      path: '/api/auth/verify',
      query: { token },
      context: 'cococat verify',
      options,
    });
    const parsed = verifyAnswer.safeParse(answer.json);
    if (!parsed.success || !parsed.data.valid)
      throw upstreamFailure('session-expired', 'cococat verify: token not valid');
    return userOf(parsed.data.sub === undefined ? 'admin' : String(parsed.data.sub), '');
  },

  // docs/upstream/notes/002-cococat.md §3: scenes are the models.
  async models(http, token, options) {
    const answer = await http.expectOk({
      method: 'GET',
      path: '/api/scenes',
      token,
      context: 'cococat scenes',
      options,
    });
    const parsed = scenesAnswer.safeParse(answer.json);
    if (!parsed.success) throw unexpectedBody('cococat scenes', parsed.error);
    const scenes = Array.isArray(parsed.data) ? parsed.data : parsed.data.scenes;
    return scenes.map((s, i): PlatformModel => ({
      id: s.id,
      name: `scene/${s.id}`,
      displayName: `cococat scene ${s.id}`,
      isDefault: s.id === 'default' || (i === 0 && !scenes.some((x) => x.id === 'default')),
    }));
  },

  // docs/upstream/notes/002-cococat.md §4.1: POST /api/scenes/{scene}/chat with a per-conversation user_id; errors come back as 200 sentinels.
  async *turn(ctx, turn) {
    let sceneId: string;
    let userId: string;
    if (turn.conversationId === null) {
      sceneId = turn.modelId ?? 'default';
      userId = `rp-${ctx.newId()}`;
      yield { type: 'task-created', taskId: joinId(sceneId, userId) };
    } else {
      const parts = splitId(turn.conversationId);
      if (parts === null) throw upstreamFailure('not-found', 'not a cococat conversation id');
      [sceneId, userId] = parts;
      yield { type: 'task-resumed', taskId: turn.conversationId };
    }
    const taskId = joinId(sceneId, userId);
    const answer = await ctx.call((token) =>
      ctx.http.expectOk({
        method: 'POST',
        path: `/api/scenes/${encodeURIComponent(sceneId)}/chat`,
        token,
        body: { content: turn.message, user_id: userId },
        context: 'cococat scene chat',
        options: { signal: ctx.signal, timeoutMs: ctx.turnTimeoutMs },
      }),
    );
    const parsed = chatAnswer.safeParse(answer.json);
    if (!parsed.success) throw unexpectedBody('cococat scene chat', parsed.error);
    const failure = replyFailure(parsed.data.reply);
    if (failure !== null) throw failure;
    yield { type: 'turn-started', taskId };
    if (parsed.data.reply !== '') yield { type: 'text', text: parsed.data.reply };
    yield { type: 'answer-complete' };
    yield { type: 'finish', taskId };
  },

  // v1 has no call that deletes a user's history (docs/upstream/notes/002-cococat.md §4.1); a conversation simply stops being used.
  closeConversation: () => Promise.resolve(),
};
