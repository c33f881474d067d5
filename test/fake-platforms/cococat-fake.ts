import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  bearerOf,
  fakeJwt,
  json,
  newFaults,
  route,
  startFakeServer,
  take,
  type FakeServer,
  type SeenRequest,
  type TurnFaults,
} from './fake-server.js';

/**
 * A fake cococat v1 panel built from docs/upstream/cococat.md: one admin password, JWT (8 h),
 * `/api/auth/verify?token=`, scenes, and `/api/scenes/{id}/chat` keyed by (scene, user_id) with
 * a JSON reply; agent failures come back as HTTP 200 sentinel replies. One turn at a time.
 */
export interface CococatFake extends FakeServer {
  faults: TurnFaults;
  /** Every token stops working. */
  expireTokens(): void;
  /** Contents each (scene, user) conversation received. */
  history: Map<string, string[]>;
}

export async function startCococatFake(options: {
  password: string;
  scenes?: string[];
}): Promise<CococatFake> {
  const tokens = new Set<string>();
  const history = new Map<string, string[]>();
  const faults = newFaults();
  const authed = (req: SeenRequest, res: ServerResponse): boolean => {
    const token = bearerOf(req);
    if (token === null) json(res, 401, { error: 'Authentication required' });
    else if (!tokens.has(token)) json(res, 401, { error: 'Invalid or expired token' });
    return token !== null && tokens.has(token);
  };
  const fake = await startFakeServer([
    route('POST', '/api/auth/login', (req, res) => {
      const password = (req.body as { password?: unknown } | undefined)?.password;
      if (typeof password !== 'string')
        return json(res, 422, {
          detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }],
        });
      if (password !== options.password) return json(res, 401, { detail: 'Invalid password' });
      const token = fakeJwt('admin', Math.floor(Date.now() / 1000) + 8 * 3600, randomUUID());
      tokens.add(token);
      json(res, 200, { access_token: token, token_type: 'bearer' });
    }),
    route('GET', '/api/auth/verify', (req, res) => {
      const token = req.query.get('token');
      if (!token) return json(res, 401, { detail: 'No token provided' });
      if (!tokens.has(token)) return json(res, 401, { detail: 'Invalid or expired token' });
      json(res, 200, { valid: true, sub: 'admin' });
    }),
    route('GET', '/api/scenes', (req, res) => {
      if (!authed(req, res)) return;
      json(res, 200, {
        scenes: (options.scenes ?? ['default']).map((id) => ({
          id,
          context: `scene ${id}`,
          mounted_kbs: [],
          env_skills: [],
          roster: ['main'],
        })),
      });
    }),
    route('POST', '/api/scenes/:scene/chat', (req, res, { scene }) => {
      if (!authed(req, res)) return;
      const status = faults.status.shift();
      if (status !== undefined) return json(res, status, { error: 'fault' });
      const body = (req.body ?? {}) as { content?: unknown; user_id?: unknown };
      if (typeof body.content !== 'string' || body.content === '')
        return json(res, 400, { error: 'content is required' });
      if (!(options.scenes ?? ['default']).includes(scene ?? ''))
        return json(res, 404, { error: 'Scene not found' });
      const user = typeof body.user_id === 'string' ? body.user_id : 'anonymous';
      if (take(faults, 'drop')) return void res.destroy();
      if (take(faults, 'agentError'))
        return json(res, 200, { reply: 'System busy, please try again later.', user_id: user });
      const key = `${scene}/${user}`;
      const lines = history.get(key) ?? [];
      lines.push(body.content);
      history.set(key, lines);
      json(res, 200, {
        reply: `cococat ${scene} reply ${lines.length}: ${body.content.slice(-40)}`,
        user_id: user,
      });
    }),
  ]);
  return { ...fake, faults, history, expireTokens: () => tokens.clear() };
}
