import { Hono } from 'hono';
import {
  chunkJsonWriter,
  createChatChunkEncoder,
  foldChatCompletion,
  parseChatRequest,
  type ChatChunkEncoderOptions,
  type ClientToolsMode,
  type ReasoningMode,
  type ToolActivityMode,
} from '../../openai/index.js';
import { clientErrorFor } from '../../pool/client-error.js';
import type { ModelCatalog } from '../../pool/model-catalog.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { UpstreamEvent } from '../../upstream/types.js';
import type { Logger } from '../../util/logger.js';
import { clientKeyHash } from '../client-key-hash.js';
import { collectTurn } from './collect-turn.js';
import { resentConversationTurn } from './conversation-turns.js';
import { readJson } from '../read-json.js';
import { nodeResponse, respondWithSse, type SseFrame } from '../sse.js';

/** What the chat route needs; built by the composition root. */
export interface ChatRouteDeps {
  catalog: ModelCatalog;
  conversations: ConversationService;
  clientTools: ClientToolsMode;
  reasoning: ReasoningMode;
  toolActivity: ToolActivityMode;
  keepAliveMs: number;
  logger: Logger;
  newCompletionId: () => string;
  now: () => number;
  /** Aborted when the server's shutdown grace period is over: the turn fails with its reason. */
  shutdown: AbortSignal;
}

/**
 * The turn as SSE frames. Headers wait for the task, so an early failure is an HTTP error
 * (docs/architecture.md §3 step 4). The response may end at the answer, but the turn is read to its
 * end: the usage row and the task's stop or keep depend on it.
 */
async function* chatFrames(
  events: AsyncIterable<UpstreamEvent>,
  options: ChatChunkEncoderOptions,
): AsyncGenerator<SseFrame> {
  const encoder = createChatChunkEncoder(options);
  const json = chunkJsonWriter(options);
  for await (const event of events) {
    if (encoder.isFinished()) continue; // only bookkeeping is left (usage, finish)
    if (event.type === 'error') throw clientErrorFor(event.error);
    if (event.type === 'task-created' || event.type === 'task-resumed') yield { kind: 'open' };
    for (const chunk of encoder.push(event)) yield { kind: 'data', data: json(chunk) };
    if (encoder.isFinished()) yield { kind: 'end' };
  }
}

/** `POST /v1/chat/completions`, stream and non-stream. */
export function chatCompletionsRoutes(deps: ChatRouteDeps): Hono {
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    const request = parseChatRequest(await readJson(c), { clientTools: deps.clientTools });
    if (request.clientToolsIgnored > 0) {
      deps.logger.debug(
        { reqId: c.get('requestId'), tools: request.clientToolsIgnored },
        'client tools ignored (the upstream agent uses its own)',
      );
    }
    const upstreamModel =
      deps.catalog.lookup(request.model) ?? (await deps.catalog.resolveAfterLook(request.model));
    const signal = c.req.raw.signal;
    const base = {
      route: 'chat.completions',
      clientKeyHash: clientKeyHash(c),
      upstreamModel,
      systemPrompt: request.systemPrompt,
      content: request.content,
      trace: c.get('trace'),
    };
    // Continuity by the resent messages (docs/architecture.md §3 step 3); an explicit `store: false` retains nothing.
    const turn = resentConversationTurn(
      base,
      request.messages,
      'durable',
      request.store === false ? 'none' : 'durable',
    );
    const options: ChatChunkEncoderOptions = {
      id: deps.newCompletionId(),
      model: request.model ?? upstreamModel,
      created: Math.floor(deps.now() / 1000),
      reasoning: deps.reasoning,
      toolActivity: deps.toolActivity,
      includeUsage: request.includeUsage,
      // The stream may end before the usage lookup — unless a follow-up must find this turn's task
      // kept and bound to its conversation by then (that happens as the turn settles).
      endAtAnswer: !deps.conversations.keepsTask(turn),
      prompt: request,
    };
    const events = deps.conversations.run(turn, AbortSignal.any([signal, deps.shutdown]));
    if (!request.stream) return c.json(foldChatCompletion(await collectTurn(events), options).completion);
    return respondWithSse(chatFrames(events, options), {
      keepAliveMs: deps.keepAliveMs,
      terminator: '[DONE]',
      logger: deps.logger,
      signal,
      node: nodeResponse(c),
    });
  });
  return app;
}
