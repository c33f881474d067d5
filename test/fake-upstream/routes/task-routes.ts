import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { bizError, frameworkError, ok, type Reply } from '../http/reply.js';
import type { RequestContext } from '../http/request-context.js';
import type { Route } from '../http/router.js';
import { isUuid } from '../ids.js';
import { projectTaskJson, taskInfoJson } from '../views/task-view.js';
import { ownTask } from './own-task.js';
import { rounds } from './rounds-route.js';
import { createTask } from './task-create-route.js';

function info(deps: AppDeps, ctx: RequestContext, id: string): Reply {
  if (!isUuid(id)) return frameworkError(400, ctx.lang);
  const task = ownTask(deps, ctx, id);
  return task === undefined ? bizError(500, ctx.lang) : ok(taskInfoJson(task));
}

/** `GET /users/tasks?page=&size=&status=a,b`, newest first. */
function list(deps: AppDeps, ctx: RequestContext): Reply {
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1);
  const size = Math.max(1, Number.parseInt(ctx.query.get('size') ?? '20', 10) || 20);
  const statuses = (ctx.query.get('status') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const all = [...deps.store.tasks.values()]
    .filter((t) => t.userId === ctx.auth?.user.id && !t.deleted)
    .filter((t) => statuses.length === 0 || statuses.includes(t.status))
    .reverse();
  const slice = all.slice((page - 1) * size, page * size);
  return ok({
    tasks: slice.map(projectTaskJson),
    page_info: { has_next_page: page * size < all.length, total_count: all.length },
  });
}

const idBody = z.object({ id: z.string().refine(isUuid) });

function stop(deps: AppDeps, ctx: RequestContext): Reply {
  const body = idBody.safeParse(ctx.body.json);
  if (!body.success) return frameworkError(400, ctx.lang);
  const task = ownTask(deps, ctx, body.data.id);
  if (task === undefined) return bizError(500, ctx.lang);
  deps.tasks.stop(task);
  return ok();
}

function remove(deps: AppDeps, ctx: RequestContext, id: string): Reply {
  if (!isUuid(id)) return frameworkError(400, ctx.lang);
  const task = ownTask(deps, ctx, id);
  if (task === undefined) return bizError(10002, ctx.lang);
  deps.tasks.delete(task);
  return ok();
}

const titleBody = z.object({ title: z.string() });

function updateTitle(deps: AppDeps, ctx: RequestContext, id: string): Reply {
  const body = titleBody.safeParse(ctx.body.json);
  if (!isUuid(id) || !body.success) return frameworkError(400, ctx.lang);
  const task = ownTask(deps, ctx, id);
  if (task === undefined) return bizError(500, ctx.lang);
  task.title = body.data.title;
  return ok();
}

/** The reply after `ms` (the work is already done: the task exists even if the client gives up). */
async function delayed(reply: Reply, ms: number): Promise<Reply> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  return reply;
}

/** Task REST routes (docs/monkeycode-protocol.md §4). Literal paths come before `/:id`. */
export function taskRoutes(deps: AppDeps): Route[] {
  const byId = /^\/api\/v1\/users\/tasks\/([^/]+)$/;
  const first = (p: string[]): string => p[0] ?? '';
  return [
    { method: 'GET', path: '/api/v1/users/tasks', auth: 'required', handle: (ctx) => list(deps, ctx) },
    {
      method: 'POST',
      path: '/api/v1/users/tasks',
      auth: 'required',
      handle: (ctx) => delayed(createTask(deps, ctx), deps.options.createReplyDelayMs),
    },
    { method: 'PUT', path: '/api/v1/users/tasks/stop', auth: 'required', handle: (ctx) => stop(deps, ctx) },
    {
      method: 'GET',
      path: '/api/v1/users/tasks/rounds',
      auth: 'required',
      handle: (ctx) => rounds(deps, ctx),
    },
    { method: 'GET', path: byId, auth: 'required', handle: (ctx, p) => info(deps, ctx, first(p)) },
    { method: 'PUT', path: byId, auth: 'required', handle: (ctx, p) => updateTitle(deps, ctx, first(p)) },
    { method: 'DELETE', path: byId, auth: 'required', handle: (ctx, p) => remove(deps, ctx, first(p)) },
  ];
}
