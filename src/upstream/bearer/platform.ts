import type { Clock, Timers } from '../../util/timing.js';
import type { UpstreamLogger } from '../logger.js';
import type { CallOptions, UpstreamEvent, UpstreamUser } from '../types.js';
import type { BearerHttp } from './http.js';
import type { TokenState } from './token-session.js';

/** A successful password login on a bearer platform. */
export interface PlatformGrant {
  tokens: TokenState;
  user: UpstreamUser;
}

/** A model (or agent / scene) a bearer platform offers, in the platform's own terms. */
export interface PlatformModel {
  /** What `PlatformTurn.modelId` will carry (e.g. an agent id). */
  id: string;
  /** Model name under the upstream, e.g. `agent/3f2a…`; relaypool prefixes `<upstream>/`. */
  name: string;
  displayName: string;
  isDefault: boolean;
}

/** One user turn as a platform sees it. */
export interface PlatformTurn {
  /** `PlatformModel.id` for a new conversation; null for a continued one. */
  modelId: string | null;
  /** The platform conversation to continue (made by an earlier turn), or null to start one. */
  conversationId: string | null;
  /** The text to send, already clipped to `maxInputChars`. */
  message: string;
}

/** What a running turn may use. `call` runs an HTTP call with a live token (refresh + retry on 401). */
export interface PlatformTurnContext {
  http: BearerHttp;
  call: <T>(work: (token: string) => Promise<T>) => Promise<T>;
  signal: AbortSignal;
  clock: Clock;
  timers: Timers;
  logger: UpstreamLogger;
  pollIntervalMs: number;
  /** Deadline for one long call (a non-streaming agent run); the turn's idle timer still applies. */
  turnTimeoutMs: number;
  newId: () => string;
}

/**
 * One bearer-token platform (Runtime API, cococat, Aeio, Tiangong): the calls that differ.
 * `BearerAdapter` turns it into an `UpstreamAdapter` (token keeping, model names, error events,
 * turn timeouts).
 */
export interface BearerPlatform {
  readonly platform: string;
  /** Longest message the platform takes; longer text is clipped from the front. Null: no limit. */
  readonly maxInputChars: number | null;
  login(
    http: BearerHttp,
    credentials: { email: string; password: string },
    options?: CallOptions,
  ): Promise<PlatformGrant>;
  /** Exchange a refresh token (platforms with refresh tokens only). */
  readonly refresh: ((http: BearerHttp, refreshToken: string) => Promise<TokenState>) | null;
  /** End the login upstream, where the platform can. */
  logout(http: BearerHttp, tokens: TokenState, options?: CallOptions): Promise<void>;
  /** The token's user; `session-expired` on 401. */
  me(http: BearerHttp, token: string, options?: CallOptions): Promise<UpstreamUser>;
  models(http: BearerHttp, token: string, options?: CallOptions): Promise<PlatformModel[]>;
  /**
   * Run one turn. Yields `task-created` / `task-resumed` with the conversation id as soon as it is
   * known, then output events, then `answer-complete`, optional `usage` and `finish`. May throw an
   * upstream failure instead of yielding `error` (the adapter turns it into the terminal event).
   */
  turn(ctx: PlatformTurnContext, turn: PlatformTurn): AsyncGenerator<UpstreamEvent, void, void>;
  /** Delete a conversation (frees what it holds upstream), where the platform can. */
  closeConversation(
    http: BearerHttp,
    token: string,
    conversationId: string,
    options?: CallOptions,
  ): Promise<void>;
}

/** Join two parts of a composite conversation id (`scene:user`, `agent:session`). */
export function joinId(first: string, second: string): string {
  return `${encodeURIComponent(first)}:${encodeURIComponent(second)}`;
}

/** Split a `joinId` value; null when it is not one. */
export function splitId(id: string): [string, string] | null {
  const at = id.indexOf(':');
  if (at < 0) return null;
  try {
    return [decodeURIComponent(id.slice(0, at)), decodeURIComponent(id.slice(at + 1))];
  } catch {
    return null;
  }
}
