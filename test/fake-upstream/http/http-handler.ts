import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../app-deps.js';
import type { Faults } from '../faults.js';
import { bizError, jsonReply, type Reply } from './reply.js';
import { buildContext, queryObject, readBody } from './request-context.js';
import { dispatch, type Route } from './router.js';

/** The node:http request listener: read body → route (with faults) → record → write. */
export function createHttpHandler(deps: AppDeps, routes: readonly Route[], faults: Faults) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      res.writeHead(413).end();
      return;
    }
    const ctx = buildContext(req, raw);
    let reply: Reply;
    try {
      reply = await dispatch(
        routes,
        deps.store,
        ctx,
        (c, stage) => faults.override(c, stage),
        (c) => faults.holdFor(c),
      );
    } catch (err) {
      reply =
        err instanceof Error && err.message === 'body too large'
          ? jsonReply(413, {})
          : bizError(500, ctx.lang);
    }
    const entry = deps.recorder.add({
      kind: 'http',
      at: Date.now(),
      method: ctx.method,
      path: ctx.path,
      query: queryObject(ctx.query),
      headers: ctx.headers,
      cookies: ctx.cookies,
      body: ctx.body,
      status: reply.status,
    });
    deps.events.emit('request', entry);
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': String(Buffer.byteLength(reply.body)),
    });
    res.end(reply.body);
  };
}
