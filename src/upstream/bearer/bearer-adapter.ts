import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { isUpstreamFailure, toUpstreamFailure, upstreamFailure, UpstreamTimeoutFailure } from '../errors.js';
import { IdleTimer } from '../../util/idle-timer.js';
import { silentLogger, type UpstreamLogger } from '../logger.js';
import { abortReason, systemClock, systemTimers, type Clock, type Timers } from '../../util/timing.js';
import type {
  AccountDiscovery,
  CallOptions,
  TurnOptions,
  TurnRequest,
  UpstreamAdapter,
  UpstreamEvent,
  UpstreamLogin,
  UpstreamModel,
  UpstreamTaskState,
  UpstreamUser,
} from '../types.js';
import { BearerHttp } from './http.js';
import type { BearerPlatform, PlatformModel, PlatformTurnContext } from './platform.js';
import { TokenKeeper } from './token-keeper.js';
import { encodeSession, jwtClaimsOf } from './token-session.js';
import { turnMessage } from './turn-input.js';

/** How a bearer-platform upstream is reached and tuned. */
export interface BearerAdapterOptions {
  /** The upstream's configured name: prefixes its model names and tags its sessions. */
  upstream: string;
  baseUrl: string | URL;
  dispatcher?: Dispatcher;
  clock?: Clock;
  timers?: Timers;
  logger?: UpstreamLogger;
  /** Per HTTP call (default 30 s). */
  requestTimeoutMs?: number;
  /** Nothing from the platform for this long ends the turn with a timeout (default 10 min). */
  turnTimeoutMs?: number;
  /** Polling interval where a platform is polled (default 1 s). */
  pollIntervalMs?: number;
  /** Refresh a token this long before it ends (default 60 s). */
  refreshMarginMs?: number;
  newId?: () => string;
}

/**
 * `UpstreamAdapter` for one bearer-token platform upstream. Sessions are `rp1.<upstream>.…`
 * strings holding the tokens (see token-session.ts); a "task" is the platform's own conversation
 * id, which the conversation service binds like a MonkeyCode task.
 */
export class BearerAdapter implements UpstreamAdapter {
  readonly platform: string;
  readonly upstream: string;
  readonly #http: BearerHttp;
  readonly #keeper: TokenKeeper;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #logger: UpstreamLogger;
  readonly #turnTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #newId: () => string;

  constructor(
    private readonly spec: BearerPlatform,
    options: BearerAdapterOptions,
  ) {
    const baseUrl = new URL(String(options.baseUrl));
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')
      throw new TypeError(`upstream base URL must be http(s), got ${baseUrl.protocol}`);
    this.platform = spec.platform;
    this.upstream = options.upstream;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? silentLogger;
    this.#http = new BearerHttp({
      baseUrl,
      dispatcher: options.dispatcher,
      logger: this.#logger,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    });
    const refresh = spec.refresh;
    this.#keeper = new TokenKeeper(
      this.#clock,
      options.refreshMarginMs ?? 60_000,
      refresh === null ? null : (token) => refresh(this.#http, token),
    );
    this.#turnTimeoutMs = options.turnTimeoutMs ?? 600_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#newId = options.newId ?? randomUUID;
  }

  /**
   * Password login. With a refresh token the adapter keeps the session alive itself, so the pool
   * is told no end (`expiresAt` null); otherwise the access token's end, for a timely re-login.
   */
  async login(
    credentials: { email: string; password: string },
    options?: CallOptions,
  ): Promise<UpstreamLogin> {
    const grant = await this.spec.login(this.#http, credentials, options);
    const { tokens } = grant;
    const expiresAt =
      tokens.refresh === null && tokens.expiresAt !== null ? new Date(tokens.expiresAt) : null;
    return { session: encodeSession(this.upstream, tokens), expiresAt, user: grant.user };
  }

  /** A session for a pasted access token (no refresh; a JWT's `exp` is its end). */
  adoptToken(input: string): { session: string; expiresAt: Date | null } {
    const token = this.parseSessionInput(input);
    const { expiresAt } = jwtClaimsOf(token);
    return {
      session: encodeSession(this.upstream, { access: token, refresh: null, expiresAt }),
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
    };
  }

  /** A pasted access token: the bare token or an `Authorization: Bearer …` value. */
  parseSessionInput(input: string): string {
    const token = input
      .trim()
      .replace(/^authorization:\s*/i, '')
      .replace(/^bearer\s+/i, '')
      .trim();
    if (token === '' || /\s/.test(token))
      throw new Error('expected an access token (one word, optionally after "Bearer ")');
    return token;
  }

  validateSession(session: string, options?: CallOptions): Promise<UpstreamUser> {
    return this.#keeper.withToken(session, (token) => this.spec.me(this.#http, token, options));
  }

  async logout(session: string, options?: CallOptions): Promise<void> {
    const tokens = await this.#keeper.current(session).catch(() => null);
    if (tokens !== null) await this.spec.logout(this.#http, tokens, options);
    this.#keeper.forget(session);
  }

  async listModels(session: string, options?: CallOptions): Promise<UpstreamModel[]> {
    const found = await this.#keeper.withToken(session, (token) =>
      this.spec.models(this.#http, token, options),
    );
    return found.map((model) => this.#model(model));
  }

  async discover(session: string, options?: CallOptions): Promise<AccountDiscovery> {
    const models = await this.listModels(session, options);
    return {
      plan: null,
      models,
      allowedModels: models,
      defaultModel: models.find((m) => m.isDefault) ?? models[0] ?? null,
      environmentId: null,
      hostId: '',
      wallet: null,
    };
  }

  /** Always: a follow-up is clipped to the platform's limit like a first message (turn-input.ts). */
  fitsFollowUp(): boolean {
    return true;
  }

  async *runTurn(
    session: string,
    request: TurnRequest,
    options: TurnOptions = {},
  ): AsyncGenerator<UpstreamEvent, void, void> {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = (): void => controller.abort(outer === undefined ? undefined : abortReason(outer));
    outer?.addEventListener('abort', onAbort, { once: true });
    if (outer?.aborted) onAbort();
    const limitMs = options.turnTimeoutMs ?? this.#turnTimeoutMs;
    const idle = new IdleTimer(this.#timers, this.#clock, limitMs, () =>
      controller.abort(
        new UpstreamTimeoutFailure(`the ${this.platform} agent sent nothing for ${limitMs} ms`),
      ),
    );
    let taskId = request.kind === 'follow-up' ? request.taskId : null;
    const ctx: PlatformTurnContext = {
      http: this.#http,
      call: (work) => this.#keeper.withToken(session, work),
      signal: controller.signal,
      clock: this.#clock,
      timers: this.#timers,
      logger: this.#logger,
      pollIntervalMs: this.#pollIntervalMs,
      turnTimeoutMs: limitMs,
      newId: this.#newId,
    };
    try {
      const turn = {
        modelId: request.kind === 'new-task' ? request.modelId : null,
        conversationId: request.kind === 'follow-up' ? request.taskId : null,
        message: turnMessage(request, this.spec.maxInputChars),
      };
      for await (const event of this.spec.turn(ctx, turn)) {
        idle.touch();
        if (event.type === 'task-created' || event.type === 'task-resumed') taskId = event.taskId;
        yield event;
        if (event.type === 'finish' || event.type === 'error') return;
      }
      yield errorEvent(
        upstreamFailure('protocol', `the ${this.platform} turn ended without an answer`),
        taskId,
      );
    } catch (err) {
      if (outer?.aborted) throw abortReason(outer);
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      yield errorEvent(reason, taskId);
    } finally {
      idle.stop();
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  getTaskState(_session: string, taskId: string): Promise<UpstreamTaskState> {
    return Promise.resolve({ id: taskId, phase: 'running', asleep: false, usage: null });
  }

  /** Ends a conversation: deleted where the platform can (a gone conversation is fine). */
  async stopTask(session: string, taskId: string, options?: CallOptions): Promise<void> {
    try {
      await this.#keeper.withToken(session, (token) =>
        this.spec.closeConversation(this.#http, token, taskId, options),
      );
    } catch (err) {
      if (!isUpstreamFailure(err) || err.kind !== 'not-found') throw err;
    }
  }

  /** Nothing more to delete: `stopTask` already removed what the platform keeps. */
  deleteTask(): Promise<void> {
    return Promise.resolve();
  }

  #model(model: PlatformModel): UpstreamModel {
    const name = `${this.upstream}/${model.name}`;
    return {
      id: model.id,
      name,
      displayName: model.displayName,
      provider: this.platform,
      interfaceType: null,
      accessLevel: null,
      isFree: null,
      isDefault: model.isDefault,
      weight: 0,
      thinking: false,
      supportsImages: false,
      contextLimit: null,
      outputLimit: null,
      ownerType: null,
    };
  }
}

function errorEvent(err: unknown, taskId: string | null): UpstreamEvent {
  const error = toUpstreamFailure(err, 'unknown', 'turn failed unexpectedly');
  return { type: 'error', error, kind: error.kind, retryable: error.retryable, taskId };
}
