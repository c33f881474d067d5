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
  UpstreamWallet,
} from '../types.js';
import { discoverAccount, fetchPlan, fetchWallet } from './account.js';
import { fetchSessionUser, logoutSession, passwordLogin } from './auth.js';
import { MonkeyCodeHttp } from './http-client.js';
import { fetchImages, ImageCache, type MonkeyCodeImage } from './images.js';
import { fetchModels } from './models.js';
import { type MonkeyCodeDeps, type MonkeyCodeOptions, resolveOptions } from './options.js';
import { fitsUserInput } from './frame-codec.js';
import { errorEvent, runFollowUpTurn, runNewTaskTurn } from './task-turn.js';
import { type SessionJar, SessionJars } from './session-jar.js';
import { deleteTask, getTask, listTasks, type MonkeyCodeTask, stopTask } from './tasks.js';
import { parseSessionCookie } from './session-cookie.js';

/**
 * The MonkeyCode adapter: `UpstreamAdapter` plus a few MonkeyCode-specific reads. Sessions are
 * `monkeycode_ai_session` cookie values; each gets its own cookie jar (kept in a bounded cache).
 */
export class MonkeyCodeAdapter implements UpstreamAdapter {
  readonly platform = 'monkeycode';
  readonly #deps: MonkeyCodeDeps;
  readonly #http: MonkeyCodeHttp;
  readonly #jars: SessionJars;
  readonly #images: ImageCache;

  constructor(options: MonkeyCodeOptions) {
    this.#deps = resolveOptions(options);
    this.#http = new MonkeyCodeHttp(this.#deps);
    this.#jars = new SessionJars(this.#deps.baseUrl, undefined, this.#deps.clock);
    this.#images = new ImageCache(this.#deps.clock);
  }

  /** Password login with the captcha proof-of-work (docs/monkeycode-protocol.md §2.2, §2.6). */
  async login(
    credentials: { email: string; password: string },
    options?: CallOptions,
  ): Promise<UpstreamLogin> {
    const result = await passwordLogin(this.#http, this.#deps, credentials, options);
    this.#jars.adopt(result.session, result.jar);
    return { session: result.session, expiresAt: result.expiresAt, user: result.user };
  }

  /** The session's user, or `UpstreamFailure('session-expired')` (docs/monkeycode-protocol.md §1.3, §2.4). */
  validateSession(session: string, options?: CallOptions): Promise<UpstreamUser> {
    return this.#withJar(session, (jar) => fetchSessionUser(this.#http, jar, options));
  }

  /** End the session upstream (docs/monkeycode-protocol.md §2.5); an already-dead session is fine. */
  async logout(session: string, options?: CallOptions): Promise<void> {
    await this.#withJar(session, (jar) => logoutSession(this.#http, jar, options));
    this.#jars.forget(session);
  }

  /** Visible, callable models (docs/monkeycode-protocol.md §3.1). */
  listModels(session: string, options?: CallOptions): Promise<UpstreamModel[]> {
    return this.#withJar(session, (jar) => fetchModels(this.#http, jar, this.#deps.logger, options));
  }

  /** Models, image, host, plan and wallet (docs/monkeycode-protocol.md §3). */
  async discover(session: string, options?: CallOptions): Promise<AccountDiscovery> {
    const found = await this.#withJar(session, (jar) =>
      discoverAccount(this.#http, jar, this.#deps.logger, options),
    );
    if (found.environmentId !== null) this.#images.remember(session, found.environmentId);
    return found;
  }

  /** docs/monkeycode-protocol.md §2.1: the `monkeycode_ai_session` value, bare or inside a cookie line. */
  parseSessionInput(input: string): string {
    return parseSessionCookie(input);
  }

  /** docs/monkeycode-protocol.md §5.1: a follow-up's `user-input` frame must stay within the server's 32 KiB read limit. */
  fitsFollowUp(text: string): boolean {
    return fitsUserInput(text);
  }

  /** Run one turn (docs/monkeycode-protocol.md §5.6); see `UpstreamEvent` for the contract. */
  runTurn(
    session: string,
    request: TurnRequest,
    options: TurnOptions = {},
  ): AsyncGenerator<UpstreamEvent, void, void> {
    let jar: SessionJar;
    try {
      jar = this.#jars.get(session);
    } catch (err) {
      return single(errorEvent(err, request.kind === 'follow-up' ? request.taskId : null));
    }
    // The turn's own generator, not wrapped in another: every event of a turn passes each layer.
    const ctx = { deps: this.#deps, http: this.#http, jar, image: this.#images.forSession(session) };
    return request.kind === 'new-task'
      ? runNewTaskTurn(ctx, request, options)
      : runFollowUpTurn(ctx, request, options);
  }

  /** Coarse task state (docs/monkeycode-protocol.md §4.2). */
  async getTaskState(session: string, taskId: string, options?: CallOptions): Promise<UpstreamTaskState> {
    const task = await this.getTask(session, taskId, options);
    return {
      id: task.id,
      phase: phaseOf(task.status),
      asleep: task.vmStatus === 'hibernated',
      usage: task.stats,
    };
  }

  /** `PUT /tasks/stop` (docs/monkeycode-protocol.md §4.4). */
  stopTask(session: string, taskId: string, options?: CallOptions): Promise<void> {
    return this.#withJar(session, (jar) => stopTask(this.#http, jar, taskId, options));
  }

  /** `DELETE /tasks/{id}` (docs/monkeycode-protocol.md §4.5). */
  deleteTask(session: string, taskId: string, options?: CallOptions): Promise<void> {
    return this.#withJar(session, (jar) => deleteTask(this.#http, jar, taskId, options));
  }

  /** The raw MonkeyCode task (docs/monkeycode-protocol.md §4.2). */
  getTask(session: string, taskId: string, options?: CallOptions): Promise<MonkeyCodeTask> {
    return this.#withJar(session, (jar) => getTask(this.#http, jar, taskId, options));
  }

  /** See `UpstreamAdapter.listActiveTasks`: the first page of `status=pending,processing` (docs/monkeycode-protocol.md §4.3). */
  async listActiveTasks(
    session: string,
    options?: CallOptions,
  ): Promise<Array<{ id: string; createdAt: number | null }>> {
    const page = await this.listTasks(session, { page: 1, size: 50, status: 'pending,processing' }, options);
    return page.tasks.map((task) => ({ id: task.id, createdAt: task.createdAt }));
  }

  /** One page of the account's tasks (docs/monkeycode-protocol.md §4.3). */
  listTasks(
    session: string,
    query?: { page?: number; size?: number; status?: string },
    options?: CallOptions,
  ): Promise<{ tasks: MonkeyCodeTask[]; hasNextPage: boolean }> {
    return this.#withJar(session, (jar) => listTasks(this.#http, jar, query, options));
  }

  /** Sandbox images (docs/monkeycode-protocol.md §3.2). */
  listImages(session: string, options?: CallOptions): Promise<MonkeyCodeImage[]> {
    return this.#withJar(session, (jar) => fetchImages(this.#http, jar, options));
  }

  /** Subscription plan (docs/monkeycode-protocol.md §3.4). */
  getPlan(session: string, options?: CallOptions): Promise<string | null> {
    return this.#withJar(session, (jar) => fetchPlan(this.#http, jar, options));
  }

  /** Wallet (docs/monkeycode-protocol.md §3.5), null on self-hosted. */
  getWallet(session: string, options?: CallOptions): Promise<UpstreamWallet | null> {
    return this.#withJar(session, (jar) => fetchWallet(this.#http, jar, options));
  }

  async #withJar<T>(session: string, work: (jar: SessionJar) => Promise<T>): Promise<T> {
    return work(this.#jars.get(session));
  }
}

async function* single(event: UpstreamEvent): AsyncGenerator<UpstreamEvent, void, void> {
  yield event;
}

function phaseOf(status: string): UpstreamTaskState['phase'] {
  if (status === 'processing') return 'running';
  if (status === 'finished') return 'ended';
  if (status === 'error') return 'failed';
  return 'starting';
}

/** Build a MonkeyCode adapter (the composition root calls this once). */
export function createMonkeyCodeAdapter(options: MonkeyCodeOptions): MonkeyCodeAdapter {
  return new MonkeyCodeAdapter(options);
}
