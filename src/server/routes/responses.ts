import { Hono } from 'hono';
import {
  answerMessage,
  createResponsesStreamEncoder,
  foldResponse,
  parseResponsesRequest,
  renderConversation,
  type ChatMessage,
  type ClientToolsMode,
  type ResponseObject,
  type ResponsesEncoderOptions,
  type ResponsesReasoningMode,
  type ResponsesRequest,
  type ResponseIds,
  type ToolActivityMode,
} from '../../openai/index.js';
import type { ResponseArchive } from '../../conversations/response-archive.js';
import { clientErrorFor } from '../../pool/client-error.js';
import type { ModelCatalog } from '../../pool/model-catalog.js';
import type {
  ConversationService,
  ConversationTurn,
  Retention,
} from '../../conversations/conversation-service.js';
import type { UpstreamEvent } from '../../upstream/types.js';
import { NotFoundError, toRelayError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { clientKeyHash } from '../client-key-hash.js';
import { collectTurn } from './collect-turn.js';
import { resentConversationTurn, storedResponseTurn } from './conversation-turns.js';
import { readJson } from '../read-json.js';
import { nodeResponse, respondWithSse, type SseFrame } from '../sse.js';

/** What the Responses routes need; built by the composition root. */
export interface ResponsesRouteDeps {
  catalog: ModelCatalog;
  archive: ResponseArchive;
  conversations: ConversationService;
  /** `conversations.reuseWhenStoreFalse`: store:false requests continue by prefix hash, bound in memory only. */
  reuseWhenStoreFalse: boolean;
  clientTools: ClientToolsMode;
  reasoning: ResponsesReasoningMode;
  toolActivity: ToolActivityMode;
  keepAliveMs: number;
  logger: Logger;
  newIds: () => ResponseIds;
  now: () => number;
  /** Aborted when the server's shutdown grace period is over: the turn fails with its reason. */
  shutdown: AbortSignal;
}

/** The conversation this request continues (from `previous_response_id`) followed by its own input. */
async function conversationOf(
  request: ResponsesRequest,
  deps: ResponsesRouteDeps,
  keyHash: string | null,
): Promise<ChatMessage[]> {
  if (request.previousResponseId === null) return request.messages;
  const previous = await deps.archive.load(request.previousResponseId, keyHash);
  if (previous === null) {
    throw new NotFoundError(`previous response '${request.previousResponseId}' was not found`, {
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
  }
  return [
    ...previous.transcript,
    ...request.messages.filter((m) => m.role !== 'system' && m.role !== 'developer'),
  ];
}

/**
 * Continuity (docs/architecture.md §3 step 3) by `previous_response_id`. A `store: false` client asked
 * for nothing on disk: it continues only when the operator opts in, by its resent messages, in memory.
 */
function conversationTurn(
  request: ResponsesRequest,
  deps: ResponsesRouteDeps,
  base: Parameters<typeof storedResponseTurn>[0],
  responseId: string,
): ConversationTurn {
  const retain: Retention = request.store ? 'durable' : deps.reuseWhenStoreFalse ? 'memory' : 'none';
  if (retain === 'memory' && request.previousResponseId === null)
    return resentConversationTurn(base, request.messages, 'memory', 'memory');
  return storedResponseTurn(
    base,
    request.previousResponseId,
    request.messages,
    responseId,
    retain === 'memory' ? 'none' : retain,
  );
}

/**
 * The turn as Responses events. Headers wait for the task, so an early failure is an HTTP error
 * (docs/architecture.md §3 step 4) and a later one `response.failed`.
 */
async function* responseFrames(
  events: AsyncIterable<UpstreamEvent>,
  options: ResponsesEncoderOptions,
  onDone: (response: ResponseObject) => Promise<void>,
): AsyncGenerator<SseFrame> {
  const encoder = createResponsesStreamEncoder(options);
  const frames = (list: ReturnType<typeof encoder.push>): SseFrame[] =>
    list.map((event) => ({ kind: 'data', event: event.type, data: event }));
  let started = false;
  try {
    for await (const event of events) {
      if (event.type === 'error') throw clientErrorFor(event.error);
      if ((event.type === 'task-created' || event.type === 'task-resumed') && !started) {
        started = true;
        yield* frames(encoder.start());
      }
      yield* frames(encoder.push(event));
      if (encoder.isFinished()) break;
    }
    if (!encoder.isFinished()) yield* frames(encoder.finish());
    await onDone(encoder.response());
  } catch (err) {
    if (!started) throw err;
    const error = toRelayError(err);
    yield* frames(encoder.fail({ message: error.message, status: error.status }));
  }
}

/** `POST /v1/responses`, `GET` and `DELETE /v1/responses/{id}`. */
export function responsesRoutes(deps: ResponsesRouteDeps): Hono {
  const app = new Hono();
  app.post('/v1/responses', async (c) => {
    const keyHash = clientKeyHash(c);
    const request = parseResponsesRequest(await readJson(c), { clientTools: deps.clientTools });
    const upstreamModel =
      deps.catalog.lookup(request.model) ?? (await deps.catalog.resolveAfterLook(request.model));
    const conversation = await conversationOf(request, deps, keyHash);
    const content = request.previousResponseId === null ? request.content : renderConversation(conversation);
    const ids = deps.newIds();
    const options: ResponsesEncoderOptions = {
      id: ids.response(),
      model: request.model ?? upstreamModel,
      createdAt: Math.floor(deps.now() / 1000),
      request,
      prompt: { systemPrompt: request.systemPrompt, content },
      reasoning: deps.reasoning,
      toolActivity: deps.toolActivity,
      ids,
      now: deps.now,
    };
    const save = async (response: ResponseObject): Promise<void> => {
      if (!request.store) return; // store:false retains nothing
      const transcript = [
        ...conversation.filter((m) => m.role !== 'system' && m.role !== 'developer'),
        answerMessage(response.output_text),
      ];
      await deps.archive.save({
        id: response.id,
        clientKeyHash: keyHash,
        model: response.model,
        response,
        transcript,
      });
    };
    const events = deps.conversations.run(
      conversationTurn(
        request,
        deps,
        {
          route: 'responses',
          clientKeyHash: keyHash,
          upstreamModel,
          systemPrompt: request.systemPrompt,
          content,
          trace: c.get('trace'),
        },
        options.id,
      ),
      AbortSignal.any([c.req.raw.signal, deps.shutdown]),
    );
    if (request.stream) {
      return respondWithSse(responseFrames(events, options, save), {
        keepAliveMs: deps.keepAliveMs,
        terminator: null,
        logger: deps.logger,
        signal: c.req.raw.signal,
        node: nodeResponse(c),
      });
    }
    const { response } = foldResponse(await collectTurn(events), options);
    await save(response);
    return c.json(response);
  });
  app.get('/v1/responses/:id', async (c) => {
    const stored = await deps.archive.load(c.req.param('id'), clientKeyHash(c));
    if (stored === null)
      throw new NotFoundError(`response '${c.req.param('id')}' was not found`, {
        code: 'response_not_found',
      });
    return c.json(stored.response);
  });
  app.delete('/v1/responses/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await deps.archive.delete(id, clientKeyHash(c))))
      throw new NotFoundError(`response '${id}' was not found`, { code: 'response_not_found' });
    return c.json({ id, object: 'response.deleted', deleted: true });
  });
  return app;
}
