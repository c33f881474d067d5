import type { AppDeps } from '../app-deps.js';
import { bizError, frameworkError, type Reply } from '../http/reply.js';
import type { RequestContext } from '../http/request-context.js';
import { isUuid } from '../ids.js';
import type { TurnRecord } from '../types.js';
import { ownTask } from './own-task.js';

const NS_MARK = '__ns__';

/** Selects turns for a rounds page. Cursor = a turn number; default direction `backward`. */
function selectTurns(
  turns: readonly TurnRecord[],
  cursor: number | undefined,
  forward: boolean,
  inclusive: boolean,
  limit: number,
): { picked: TurnRecord[]; hasMore: boolean } {
  if (forward) {
    const from = cursor === undefined ? 1 : inclusive ? cursor : cursor + 1;
    const eligible = turns.filter((t) => t.number >= from);
    return { picked: eligible.slice(0, limit), hasMore: eligible.length > limit };
  }
  const to = cursor === undefined ? Number.MAX_SAFE_INTEGER : inclusive ? cursor : cursor - 1;
  const eligible = turns.filter((t) => t.number <= to);
  return { picked: eligible.slice(Math.max(0, eligible.length - limit)), hasMore: eligible.length > limit };
}

/**
 * `GET /users/tasks/rounds?id=&limit=1..10[&cursor=][&direction=][&inclusive=]` (docs/monkeycode-protocol.md §4.7):
 * chunks use `event` instead of `type` and **nanosecond** timestamps (written as exact integers).
 */
export function rounds(deps: AppDeps, ctx: RequestContext): Reply {
  const id = ctx.query.get('id') ?? '';
  const limit = Number(ctx.query.get('limit') ?? '1');
  const cursorRaw = ctx.query.get('cursor');
  const direction = ctx.query.get('direction') ?? '';
  if (!isUuid(id) || !Number.isInteger(limit) || limit < 1 || limit > 10)
    return frameworkError(400, ctx.lang);
  if (cursorRaw !== null && cursorRaw !== '' && !/^\d+$/.test(cursorRaw))
    return frameworkError(400, ctx.lang);
  if (direction !== '' && direction !== 'backward' && direction !== 'forward')
    return bizError(10813, ctx.lang);
  const task = ownTask(deps, ctx, id);
  if (task === undefined) return bizError(500, ctx.lang);
  const cursor = cursorRaw === null || cursorRaw === '' ? undefined : Number(cursorRaw);
  const forward = direction === 'forward';
  const { picked, hasMore } = selectTurns(
    task.turns,
    cursor,
    forward,
    ctx.query.get('inclusive') === 'true',
    limit,
  );
  const chunks = picked.flatMap((turn) =>
    turn.frames.map((f) => ({
      event: f.frame.type,
      kind: f.frame.kind,
      data: f.frame.data,
      timestamp: `${NS_MARK}${f.timestampNs.toString()}`,
      seq: f.frame.seq ?? 0,
      turn_seq: turn.number,
      labels: {},
    })),
  );
  const edge = forward ? picked.at(-1) : picked[0];
  const data = { chunks, next_cursor: edge === undefined ? '' : String(edge.number), has_more: hasMore };
  const body = JSON.stringify({ code: 0, message: 'success', data }).replace(/"__ns__(\d+)"/g, '$1');
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}
