import type { AppDeps } from '../app-deps.js';
import type { RequestContext } from '../http/request-context.js';
import type { TaskRecord } from '../types.js';

/** The caller's own, non-deleted task, or undefined (someone else's id looks unknown). */
export function ownTask(deps: AppDeps, ctx: RequestContext, id: string): TaskRecord | undefined {
  const task = deps.store.tasks.get(id.toLowerCase());
  if (task === undefined || task.deleted || task.userId !== ctx.auth?.user.id) return undefined;
  return task;
}
