import { z } from 'zod';
import { isUpstreamFailure, upstreamFailure } from '../errors.js';
import { failureFromStatus } from '../bearer/http-failure.js';
import { unexpectedBody } from '../bearer/login.js';
import type { PlatformTurn, PlatformTurnContext } from '../bearer/platform.js';
import { readSseEvents } from '../bearer/sse-events.js';
import { delay } from '../../util/timing.js';
import type { UpstreamEvent } from '../types.js';
import { errorEventData, stepEventData, stepSchema, STEP_EVENTS, StepTranslator } from './step-events.js';

const sessionAnswer = z.looseObject({ id: z.string().min(1) });
const message = z.looseObject({
  id: z.number(),
  role: z.string().optional(),
  content: z.string().nullable(),
});
const messageList = z.array(message);
const stepList = z.array(stepSchema);

/** docs/upstream/notes/003-aeio.md §4.3: the text an agent-loop crash leaves in M. */
const CRASH_PREFIX = 'AI服务出错：';
/** Reconnects of the step stream in one turn (docs/upstream/notes/003-aeio.md §5.4 items 3–4: the server closes it early often). */
const MAX_STREAMS = 100;
/** docs/upstream/notes/003-aeio.md §5.4 item 5: M's content is committed shortly after `completed`; wait this long for it. */
const CONTENT_WAIT_MS = 3_000;

/**
 * One Aeio turn, following the robust algorithm of docs/upstream/notes/003-aeio.md §5.5: post the message
 * (M), follow the step stream for M only, reconnect when the server closes it before M's
 * `completed`, then read M's final content.
 */
export async function* runAeioTurn(
  ctx: PlatformTurnContext,
  turn: PlatformTurn,
): AsyncGenerator<UpstreamEvent, void, void> {
  const signal = ctx.signal;
  let sessionId: string;
  if (turn.conversationId === null) {
    const title = turn.message.replace(/\s+/g, ' ').trim().slice(0, 30) || 'relaypool';
    const created = await ctx.call((token) =>
      ctx.http.expectOk({
        method: 'POST',
        path: '/api/sessions',
        token,
        body: { title },
        context: 'aeio create session',
        options: { signal },
      }),
    );
    const parsed = sessionAnswer.safeParse(created.json);
    if (!parsed.success) throw unexpectedBody('aeio create session', parsed.error);
    sessionId = parsed.data.id;
    yield { type: 'task-created', taskId: sessionId };
  } else {
    sessionId = turn.conversationId;
    yield { type: 'task-resumed', taskId: sessionId };
  }
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const posted = await ctx.call((token) =>
    ctx.http.expectOk({
      method: 'POST',
      path: `${base}/messages`,
      token,
      body: { content: turn.message },
      context: 'aeio send message',
      options: { signal },
    }),
  );
  const m = message.safeParse(posted.json);
  if (!m.success) throw unexpectedBody('aeio send message', m.error);
  // docs/upstream/notes/003-aeio.md §4.1: a start failure comes back as an assistant message that already has content.
  if (m.data.content)
    throw upstreamFailure('task-failed', `aeio could not start the agent: ${m.data.content.slice(0, 200)}`);
  const messageId = m.data.id;
  yield { type: 'turn-started', taskId: sessionId };

  const translator = new StepTranslator();
  let completed = false;
  for (let stream = 0; !completed; stream++) {
    if (stream >= MAX_STREAMS)
      throw upstreamFailure('protocol', 'aeio step stream kept closing before the turn completed');
    if (stream > 0) {
      await delay(ctx.timers, ctx.pollIntervalMs, signal);
      if (await loopCompleted(ctx, base, messageId)) break;
    }
    const call = {
      method: 'GET' as const,
      path: `${base}/messages/stream`,
      accept: 'text/event-stream',
      context: 'aeio step stream',
      options: { signal },
    };
    const opened = await ctx.call(async (token) => {
      const answer = await ctx.http.open({ ...call, token });
      if (answer.status >= 200 && answer.status <= 299) return answer;
      throw failureFromStatus(await ctx.http.finish(answer, call), call.context);
    });
    try {
      for await (const frame of readSseEvents(opened.body)) {
        const name = frame.event ?? '';
        if (name === 'error') {
          const said = errorEventData.safeParse(parseJson(frame.data));
          throw upstreamFailure(
            'task-failed',
            `aeio agent error: ${said.success ? said.data.error.slice(0, 200) : 'unknown'}`,
          );
        }
        if (!STEP_EVENTS.has(name)) continue; // sync, ping, todos_update, and stale `done` (docs/upstream/notes/003-aeio.md §5.4 item 4)
        const step = stepEventData.safeParse(parseJson(frame.data));
        if (!step.success || step.data.data.message_id !== messageId) continue;
        yield* translator.events(name, step.data.data);
        if (name === 'completed') {
          completed = true;
          break;
        }
      }
    } catch (err) {
      if (signal.aborted) throw err;
      // A dropped stream is reconnected like an early close; typed failures end the turn.
      if (isUpstreamFailure(err)) throw err;
    }
  }
  const content = await finalContent(ctx, base, messageId);
  if (content.startsWith(CRASH_PREFIX))
    throw upstreamFailure(
      'task-failed',
      `aeio agent error: ${content.slice(CRASH_PREFIX.length, CRASH_PREFIX.length + 200)}`,
    );
  if (content !== '') yield { type: 'text', text: content };
  yield { type: 'answer-complete' };
  yield { type: 'finish', taskId: sessionId };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** docs/upstream/notes/003-aeio.md §5.6: the last execution step of M says whether the loop completed. */
async function loopCompleted(ctx: PlatformTurnContext, base: string, messageId: number): Promise<boolean> {
  const answer = await ctx.call((token) =>
    ctx.http.expectOk({
      method: 'GET',
      path: `${base}/messages/${messageId}/execution-steps`,
      token,
      context: 'aeio execution steps',
      options: { signal: ctx.signal },
    }),
  );
  const steps = stepList.safeParse(answer.json);
  if (!steps.success) throw unexpectedBody('aeio execution steps', steps.error);
  return steps.data.at(-1)?.status === 'completed';
}

/** docs/upstream/notes/003-aeio.md §4.3: M's content, polled until it is written (it may legitimately stay empty). */
async function finalContent(ctx: PlatformTurnContext, base: string, messageId: number): Promise<string> {
  const giveUpAt = ctx.clock.now() + CONTENT_WAIT_MS;
  for (;;) {
    const answer = await ctx.call((token) =>
      ctx.http.expectOk({
        method: 'GET',
        path: `${base}/messages`,
        token,
        context: 'aeio list messages',
        options: { signal: ctx.signal },
      }),
    );
    const list = messageList.safeParse(answer.json);
    if (!list.success) throw unexpectedBody('aeio list messages', list.error);
    const content = list.data.find((item) => item.id === messageId)?.content ?? '';
    if (content !== '' || ctx.clock.now() >= giveUpAt) return content;
    await delay(ctx.timers, Math.min(ctx.pollIntervalMs, 250), ctx.signal);
  }
}
