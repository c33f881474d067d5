import type { Agent } from './agent/agent-types.js';
import { ended, messageChunk, started, taskError } from './agent/agent-steps.js';
import { bizError, htmlLoginPage, type Reply } from './http/reply.js';
import type { RequestContext } from './http/request-context.js';
import type { ResolvedOptions, StatusVariant } from './options.js';
import type { FakeStore } from './store.js';
import type { TaskService } from './tasks/task-service.js';

/** How a scripted HTTP failure answers: a business `code` (HTTP 200) or a raw HTTP status. */
export type HttpFailure = { code: number } | { httpStatus: number; body?: string; contentType?: string };

/** What happens to a stream socket once it has sent `afterFrames` non-ping frames. */
export interface StreamBreak {
  afterFrames: number;
  /** `drop`: TCP destroyed, no close frame; `stall`: silent, pings included; `close`: close with `closeCode`. */
  action: 'drop' | 'stall' | 'close';
  closeCode?: number;
  /** Only sockets of this mode are affected (default: any). */
  mode?: 'new' | 'attach';
  /** The task's VM dies with the socket: the running turn is lost, the task goes `error` (docs/monkeycode-protocol.md §4.2). */
  killVm?: boolean;
}

interface HttpOverride {
  method: string | undefined;
  path: string | RegExp;
  stage: 'before-auth' | 'after-auth';
  remaining: number;
  reply: (ctx: RequestContext) => Reply;
}

/** Something that can be silenced (open stream sockets). */
export interface Silenceable {
  silence(): void;
}

function failureReply(f: HttpFailure, ctx: RequestContext): Reply {
  if ('code' in f) return bizError(f.code, ctx.lang);
  const text = f.httpStatus === 401 ? 'Unauthorized' : `<html><body><h1>${f.httpStatus}</h1></body></html>`;
  const type =
    f.contentType ?? (f.httpStatus === 401 ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8');
  return { status: f.httpStatus, headers: { 'content-type': type }, body: f.body ?? text };
}

interface HttpHold {
  method: string;
  path: string | RegExp;
  until: Promise<unknown>;
  onHeld: (() => void) | undefined;
}

const matches = (ctx: RequestContext, method: string | undefined, path: string | RegExp): boolean =>
  (method === undefined || method === ctx.method) &&
  (typeof path === 'string' ? path === ctx.path : path.test(ctx.path));

/** Scriptable faults. Every hook is one-shot unless it says otherwise. */
export class Faults {
  private readonly overrides: HttpOverride[] = [];
  private readonly holds: HttpHold[] = [];
  /** Pending stream breaks, consumed by the next matching stream socket. */
  readonly streamBreaks: StreamBreak[] = [];

  constructor(
    private readonly store: FakeStore,
    private readonly tasks: TaskService,
    private readonly options: ResolvedOptions,
    private readonly openSockets: () => Iterable<Silenceable>,
  ) {}

  /** The next `POST /users/tasks` (after auth) fails, e.g. `{ code: 10811 }` or `{ httpStatus: 503 }`. */
  failNextCreate(failure: HttpFailure): void {
    this.failNext('POST', '/api/v1/users/tasks', failure);
  }

  /** The next `times` authenticated requests matching `method` + `path` fail. */
  failNext(method: string | undefined, path: string | RegExp, failure: HttpFailure, times = 1): void {
    this.overrides.push({
      method,
      path,
      stage: 'after-auth',
      remaining: times,
      reply: (ctx) => failureReply(failure, ctx),
    });
  }

  /** The next `times` requests to `path` get a 200 HTML login page (dead hosted session), before auth. */
  htmlPage(path: string | RegExp, times = 1): void {
    this.overrides.push({
      method: undefined,
      path,
      stage: 'before-auth',
      remaining: times,
      reply: () => htmlLoginPage(),
    });
  }

  /**
   * The next authenticated `method` request to `path` is answered as usual, but only once `until`
   * settles; `onHeld` is told when that request has arrived and is being held.
   */
  holdNext(method: string, path: string | RegExp, until: Promise<unknown>, onHeld?: () => void): void {
    this.holds.push({ method, path, until, onHeld });
  }

  /** Router hook: what a request must wait for before it is handled (the first matching hold, consumed). */
  holdFor(ctx: RequestContext): Promise<unknown> | undefined {
    const i = this.holds.findIndex((h) => matches(ctx, h.method, h.path));
    const hold = i < 0 ? undefined : this.holds.splice(i, 1)[0];
    hold?.onHeld?.();
    return hold?.until;
  }

  /** Router hook: the reply of the first matching override, consuming it. */
  override(ctx: RequestContext, stage: 'before-auth' | 'after-auth'): Reply | undefined {
    const i = this.overrides.findIndex((o) => o.stage === stage && matches(ctx, o.method, o.path));
    const o = this.overrides[i];
    if (o === undefined) return undefined;
    if (--o.remaining <= 0) this.overrides.splice(i, 1);
    return o.reply(ctx);
  }

  /** The next stream socket breaks after `n` non-ping frames. */
  breakNextStream(spec: StreamBreak): void {
    this.streamBreaks.push(spec);
  }

  /** The next stream socket is destroyed (no close frame) after `n` non-ping frames. */
  dropSocketAfterFrames(n: number, mode?: 'new' | 'attach'): void {
    this.breakNextStream(
      mode === undefined ? { afterFrames: n, action: 'drop' } : { afterFrames: n, action: 'drop', mode },
    );
  }

  /** The next stream socket stops sending anything (pings too) after `n` non-ping frames. */
  stallSocketAfterFrames(n: number): void {
    this.breakNextStream({ afterFrames: n, action: 'stall' });
  }

  /** Every currently open stream socket stops sending anything, pings included. */
  stallOpenSockets(): void {
    for (const s of this.openSockets()) s.silence();
  }

  /** The next turn (any task) is played by `agent` instead of the configured one. */
  nextTurn(agent: Agent): void {
    this.tasks.nextTurnAgents.push(agent);
  }

  /** The next turn emits a partial reply, then `task-error` (and `task-ended` unless `endTurn: false`). */
  taskErrorOnNextTurn(details = 'upstream model error', options: { endTurn?: boolean } = {}): void {
    const tail = options.endTurn === false ? [] : [ended()];
    this.nextTurn(() => [started(), messageChunk('partial '), taskError(details), ...tail]);
  }

  /** The next created task boots after `ms` instead of `bootDelayMs`. */
  slowNextBoot(ms: number): void {
    this.tasks.nextBoots.push({ kind: 'delay', ms });
  }

  /** The next created task never gets a VM: `pending` → `error`. */
  failNextBoot(): void {
    this.tasks.nextBoots.push({ kind: 'fail' });
  }

  /** Hibernates a task's VM now (open stream sockets close with 1000). */
  hibernate(taskId: string): void {
    const task = this.store.tasks.get(taskId);
    if (task === undefined) throw new Error(`fake-upstream: unknown task ${taskId}`);
    this.tasks.hibernate(task);
  }

  /** Switches how `/users/status` answers without a session. */
  setStatusVariant(variant: StatusVariant): void {
    this.options.statusVariant = variant;
  }
}
