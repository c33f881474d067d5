import { toUpstreamFailure, UpstreamFailure } from './errors.js';
import { sessionUpstream } from './bearer/token-session.js';
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
} from './types.js';

/** The name of the default MonkeyCode upstream (`upstream.url`); every legacy account belongs to it. */
export const DEFAULT_UPSTREAM = 'monkeycode';

/** A named upstream's adapter; bearer platforms can also adopt a pasted token. */
export interface NamedUpstream {
  name: string;
  platform: string;
  url: string;
  adapter: UpstreamAdapter;
  /** A session for a pasted access token, on platforms that take one. */
  adoptToken?: (token: string) => { session: string; expiresAt: Date | null };
}

/**
 * Every configured upstream behind one `UpstreamAdapter`. A call that carries a session goes to
 * the upstream that made the session (bearer sessions are tagged `rp1.<upstream>.`; bare values
 * are MonkeyCode cookies of the default upstream), so the pool, the reaper and the health monitor
 * work unchanged on a mixed pool. A login names its upstream through `loginTo`.
 */
export class UpstreamSet implements UpstreamAdapter {
  readonly platform = 'multi';
  readonly #byName = new Map<string, NamedUpstream>();

  constructor(upstreams: readonly NamedUpstream[]) {
    for (const upstream of upstreams) this.#byName.set(upstream.name, upstream);
    if (!this.#byName.has(DEFAULT_UPSTREAM))
      throw new TypeError(`the ${DEFAULT_UPSTREAM} upstream is missing`);
  }

  /** Every upstream, the default first. */
  list(): NamedUpstream[] {
    return [...this.#byName.values()];
  }

  /** The upstream called `name`, or null. */
  get(name: string): NamedUpstream | null {
    return this.#byName.get(name) ?? null;
  }

  /** Log in on a named upstream. */
  loginTo(
    upstream: string,
    credentials: { email: string; password: string },
    options?: CallOptions,
  ): Promise<UpstreamLogin> {
    return this.#named(upstream).adapter.login(credentials, options);
  }

  /** True when an upstream called `name` is configured. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** A session for a pasted access token on `upstream`, or null when its platform takes none. */
  adoptToken(upstream: string, token: string): { session: string; expiresAt: Date | null } | null {
    return this.#named(upstream).adoptToken?.(token) ?? null;
  }

  /** The upstream a stored session belongs to. */
  upstreamOf(session: string): string {
    return sessionUpstream(session) ?? DEFAULT_UPSTREAM;
  }

  /** What an operator pastes for the default upstream (bearer tokens go through `adoptToken`). */
  parseSessionInput(input: string): string {
    return this.#named(DEFAULT_UPSTREAM).adapter.parseSessionInput(input);
  }

  login(credentials: { email: string; password: string }, options?: CallOptions): Promise<UpstreamLogin> {
    return this.loginTo(DEFAULT_UPSTREAM, credentials, options);
  }

  validateSession(session: string, options?: CallOptions): Promise<UpstreamUser> {
    return this.#for(session).validateSession(session, options);
  }

  logout(session: string, options?: CallOptions): Promise<void> {
    return this.#for(session).logout(session, options);
  }

  listModels(session: string, options?: CallOptions): Promise<UpstreamModel[]> {
    return this.#for(session).listModels(session, options);
  }

  discover(session: string, options?: CallOptions): Promise<AccountDiscovery> {
    return this.#for(session).discover(session, options);
  }

  /** Asked without a session: the default upstream's rule (bearer platforms clip instead). */
  fitsFollowUp(text: string): boolean {
    return this.#named(DEFAULT_UPSTREAM).adapter.fitsFollowUp(text);
  }

  runTurn(session: string, request: TurnRequest, options?: TurnOptions): AsyncIterable<UpstreamEvent> {
    let adapter: UpstreamAdapter;
    try {
      adapter = this.#for(session);
    } catch (err) {
      return failedTurn(err, request.kind === 'follow-up' ? request.taskId : null);
    }
    return adapter.runTurn(session, request, options);
  }

  getTaskState(session: string, taskId: string, options?: CallOptions): Promise<UpstreamTaskState> {
    return this.#for(session).getTaskState(session, taskId, options);
  }

  /** The session's upstream's active tasks; none for an upstream that cannot list them. */
  listActiveTasks(
    session: string,
    options?: CallOptions,
  ): Promise<Array<{ id: string; createdAt: number | null }>> {
    const adapter = this.#for(session);
    return adapter.listActiveTasks?.(session, options) ?? Promise.resolve([]);
  }

  stopTask(session: string, taskId: string, options?: CallOptions): Promise<void> {
    return this.#for(session).stopTask(session, taskId, options);
  }

  deleteTask(session: string, taskId: string, options?: CallOptions): Promise<void> {
    return this.#for(session).deleteTask(session, taskId, options);
  }

  #for(session: string): UpstreamAdapter {
    const name = this.upstreamOf(session);
    const upstream = this.#byName.get(name);
    // A session of an upstream no longer configured: the account cannot be used until it is.
    if (upstream === undefined)
      throw new UpstreamFailure('session-expired', `upstream ${name} is not configured`);
    return upstream.adapter;
  }

  #named(name: string): NamedUpstream {
    const upstream = this.#byName.get(name);
    if (upstream === undefined) throw new UpstreamFailure('not-found', `no upstream called ${name}`);
    return upstream;
  }
}

/** A turn that fails before it starts (the iterator contract: failures arrive as the terminal event). */
async function* failedTurn(err: unknown, taskId: string | null): AsyncGenerator<UpstreamEvent, void, void> {
  const error = toUpstreamFailure(err);
  yield { type: 'error', error, kind: error.kind, retryable: error.retryable, taskId };
}
