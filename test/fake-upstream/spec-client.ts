import { z } from 'zod';
import { solveChallenge } from './spec-captcha.js';
import { SpecStream, type RefusedHandshake } from './spec-stream.js';

/**
 * Minimal MonkeyCode client written from the protocol spec (not from the fake, not from `src/`):
 * plain fetch, the session cookie by hand, the go-cap solver, and `SpecStream` for WebSockets.
 */

/** One HTTP exchange. */
export interface SpecResponse {
  status: number;
  contentType: string;
  text: string;
  /** Parsed JSON body, `undefined` when not JSON. */
  json: unknown;
  setCookie: string[];
}

const envelopeSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** The `{code,message,data?}` envelope (docs/monkeycode-protocol.md §1.1). */
export type Envelope = z.infer<typeof envelopeSchema>;

/** Parses an envelope or throws. */
export function envelope(res: SpecResponse): Envelope {
  return envelopeSchema.parse(res.json);
}

const challengeSchema = z.object({
  challenge: z.object({ c: z.number(), s: z.number(), d: z.number() }),
  token: z.string(),
  expires: z.number(),
});
const redeemSchema = z.object({ success: z.literal(true), token: z.string(), expires: z.number() });
const idSchema = z.object({ id: z.string() });

/** Session cookie name (docs/monkeycode-protocol.md §2.1). */
export const COOKIE_NAME = 'monkeycode_ai_session';

export class SpecClient {
  cookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** Any request; a JSON `body` is sent with `Content-Type: application/json`. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<SpecResponse> {
    const h: Record<string, string> = { ...this.extraHeaders, ...headers };
    if (this.cookie !== undefined) h['cookie'] = `${COOKIE_NAME}=${this.cookie}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: h,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text,
      json,
      setCookie: res.headers.getSetCookie(),
    };
  }

  /** Challenge → solve → redeem; returns the captcha token (docs/monkeycode-protocol.md §2.6). */
  async captchaToken(): Promise<string> {
    const ch = challengeSchema.parse((await this.call('POST', '/api/v1/public/captcha/challenge')).json);
    const solutions = solveChallenge(ch.token, ch.challenge);
    const redeemed = await this.call('POST', '/api/v1/public/captcha/redeem', { token: ch.token, solutions });
    return redeemSchema.parse(redeemed.json).token;
  }

  /** Password login; stores the cookie from `Set-Cookie` on success. */
  async login(email: string, password: string, captchaToken?: string): Promise<SpecResponse> {
    const body =
      captchaToken === undefined ? { email, password } : { email, password, captcha_token: captchaToken };
    const res = await this.call('POST', '/api/v1/users/password-login', body);
    const m = res.setCookie.map((c) => new RegExp(`^${COOKIE_NAME}=([^;]+)`).exec(c)).find((x) => x !== null);
    if (m?.[1] !== undefined) this.cookie = m[1];
    return res;
  }

  /** The recommended create body (docs/monkeycode-protocol.md §4.1) with overrides. */
  static taskBody(
    content: string,
    imageId: string,
    modelId: string,
    overrides: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      content,
      host_id: 'public_host',
      image_id: imageId,
      model_id: modelId,
      cli_name: 'opencode',
      task_type: 'develop',
      repo: {},
      resource: { core: 2, memory: 8_589_934_592, life: 10_800 },
      extra: { skill_ids: [] },
      ...overrides,
    };
  }

  /** `POST /users/tasks`; returns the envelope. */
  async createTask(body: Record<string, unknown>): Promise<Envelope> {
    return envelope(await this.call('POST', '/api/v1/users/tasks', body));
  }

  /** Creates a task and returns its id, throwing on a non-zero code. */
  async createTaskId(body: Record<string, unknown>): Promise<string> {
    const env = await this.createTask(body);
    if (env.code !== 0) throw new Error(`create failed: ${env.code} ${env.message}`);
    return idSchema.parse(env.data).id;
  }

  /** `GET /users/tasks/{id}` envelope. */
  async task(id: string): Promise<Envelope> {
    return envelope(await this.call('GET', `/api/v1/users/tasks/${id}`));
  }

  /** `PUT /users/tasks/stop`. */
  async stop(id: string): Promise<Envelope> {
    return envelope(await this.call('PUT', '/api/v1/users/tasks/stop', { id }));
  }

  /** Opens the task stream (`mode` new|attach) or the control socket. */
  openStream(
    taskId: string,
    mode: string,
    endpoint: 'stream' | 'control' = 'stream',
  ): Promise<SpecStream | RefusedHandshake> {
    const ws = this.baseUrl.replace(/^http/, 'ws');
    const query = endpoint === 'stream' ? `?id=${taskId}&mode=${mode}` : `?id=${taskId}`;
    return SpecStream.open(`${ws}/api/v1/users/tasks/${endpoint}${query}`, this.cookie);
  }

  /** Like `openStream` but throws when the handshake was refused. */
  async stream(taskId: string, mode: string, endpoint: 'stream' | 'control' = 'stream'): Promise<SpecStream> {
    const s = await this.openStream(taskId, mode, endpoint);
    if (!(s instanceof SpecStream)) throw new Error(`handshake refused: ${s.status} ${s.body}`);
    return s;
  }
}
