import { z } from 'zod';
import { jwtLogin, unexpectedBody } from '../bearer/login.js';
import type { BearerPlatform } from '../bearer/platform.js';
import { runAeioTurn } from './aeio-turn.js';

/*
 * Aeio Dev Agent (docs/upstream/aeio.md; known from its source, alingse/mgxdemo). Username login →
 * JWT without refresh; one fixed agent; a turn posts a message (answered at once with an empty
 * assistant message M), then follows the session's SSE step stream and reads M's content when the
 * loop completes. Sessions are deleted when relaypool is done with them.
 */

/** docs/upstream/notes/003-aeio.md §4.1: the server cuts user input at 1000 characters (default `max_user_input_length`). */
const MAX_INPUT = 1000;

const meAnswer = z.looseObject({
  id: z.union([z.number(), z.string()]),
  username: z.string(),
  email: z.string().optional(),
});

export const aeioPlatform: BearerPlatform = {
  platform: 'aeio',
  maxInputChars: MAX_INPUT,
  refresh: null,

  // docs/upstream/notes/003-aeio.md §2.1: JSON body; `username` is matched against the username only (the account's login name).
  login: (http, { email, password }, options) =>
    jwtLogin(
      http,
      {
        method: 'POST',
        path: '/api/auth/login',
        body: { username: email, password },
        context: 'aeio login',
        options,
      },
      email,
      email,
    ),

  // docs/upstream/notes/003-aeio.md §2.2: logout only clears a cookie; the JWT stays valid until `exp`.
  logout: () => Promise.resolve(),

  // docs/upstream/notes/003-aeio.md §2.3
  async me(http, token, options) {
    const answer = await http.expectOk({
      method: 'GET',
      path: '/api/auth/me',
      token,
      context: 'aeio auth/me',
      options,
    });
    const parsed = meAnswer.safeParse(answer.json);
    if (!parsed.success) throw unexpectedBody('aeio auth/me', parsed.error);
    return {
      id: String(parsed.data.id),
      name: parsed.data.username,
      email: parsed.data.email ?? '',
      role: null,
      status: null,
      blocked: false,
    };
  },

  // docs/upstream/notes/003-aeio.md §7: one fixed model (deepseek-reasoner) behind one agent.
  models: () =>
    Promise.resolve([{ id: 'dev-agent', name: 'dev-agent', displayName: 'Aeio Dev Agent', isDefault: true }]),

  turn: runAeioTurn,

  // docs/upstream/notes/003-aeio.md §3: DELETE /api/sessions/{id} → 204 (also removes its sandbox directory).
  async closeConversation(http, token, conversationId, options) {
    await http.expectOk({
      method: 'DELETE',
      path: `/api/sessions/${encodeURIComponent(conversationId)}`,
      token,
      context: 'aeio delete session',
      options,
    });
  },
};
