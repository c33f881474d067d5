import { Hono, type MiddlewareHandler } from 'hono';
import {
  anthropicErrorBody,
  countTokens,
  createMessageStreamEncoder,
  foldMessage,
  parseCountTokensRequest,
  parseMessagesRequest,
  type AnthropicModels,
  type MessageEncoderOptions,
} from '../../anthropic/index.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { ClientToolsMode, ToolActivityMode } from '../../openai/index.js';
import { clientErrorFor } from '../../pool/client-error.js';
import type { UpstreamEvent } from '../../upstream/types.js';
import type { RelayError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { clientKeyHash } from '../client-key-hash.js';
import { readJson } from '../read-json.js';
import '../render-error.js';
import { nodeResponse, respondWithSse, type SseFrame } from '../sse.js';
import { collectTurn } from './collect-turn.js';
import { resentConversationTurn } from './conversation-turns.js';

/** What the Anthropic Messages routes need; built by the composition root. */
export interface MessagesRouteDeps {
  models: AnthropicModels;
  conversations: ConversationService;
  clientTools: ClientToolsMode;
  /** `hide` drops the agent's reasoning; anything else shows it as thinking blocks. */
  reasoning: 'show' | 'hide';
  toolActivity: ToolActivityMode;
  keepAliveMs: number;
  logger: Logger;
  newMessageId: () => string;
  /** Aborted when the server's shutdown grace period is over: the turn fails with its reason. */
  shutdown: AbortSignal;
}

/** Errors on the Anthropic routes (auth, body limit and unknown sub-routes too) use Anthropic's shape. */
export const anthropicErrors: MiddlewareHandler = async function useAnthropicErrorShape(c, next) {
  c.set('errorShape', 'anthropic');
  await next();
};

const PING: SseFrame & { kind: 'data' } = { kind: 'data', event: 'ping', data: { type: 'ping' } };

/**
 * The turn as Anthropic stream events. `message_start` waits for the task, so an early failure is
 * an HTTP error (docs/architecture.md §3 step 4).
 */
async function* messageFrames(
  events: AsyncIterable<UpstreamEvent>,
  options: MessageEncoderOptions,
): AsyncGenerator<SseFrame> {
  const encoder = createMessageStreamEncoder(options);
  for await (const event of events) {
    if (encoder.isFinished()) continue; // only bookkeeping is left
    if (event.type === 'error') throw clientErrorFor(event.error);
    for (const data of encoder.push(event)) yield { kind: 'data', event: data.type, data };
  }
}

/** `POST /v1/messages` (stream and non-stream) and `POST /v1/messages/count_tokens`. */
export function messagesRoutes(deps: MessagesRouteDeps): Hono {
  const app = new Hono();
  app.post('/v1/messages', async (c) => {
    const request = parseMessagesRequest(await readJson(c), { clientTools: deps.clientTools });
    if (request.clientToolsIgnored > 0) {
      deps.logger.debug(
        { reqId: c.get('requestId'), tools: request.clientToolsIgnored },
        'client tools ignored (the upstream agent uses its own)',
      );
    }
    const upstreamModel =
      deps.models.lookup(request.model) ?? (await deps.models.resolveAfterLook(request.model));
    const signal = c.req.raw.signal;
    const base = {
      route: 'messages',
      clientKeyHash: clientKeyHash(c),
      upstreamModel,
      systemPrompt: request.systemPrompt,
      content: request.content,
      trace: c.get('trace'),
    };
    // Continuity by the resent messages, as for chat (docs/architecture.md §3 step 3): Claude Code resends everything.
    const turn = resentConversationTurn(base, request.messages, 'durable', 'durable');
    const options: MessageEncoderOptions = {
      id: deps.newMessageId(),
      model: request.model,
      thinking: request.thinking && deps.reasoning !== 'hide',
      toolActivity: deps.toolActivity,
      prompt: request,
    };
    const events = deps.conversations.run(turn, AbortSignal.any([signal, deps.shutdown]));
    if (!request.stream) return c.json(foldMessage(await collectTurn(events), options).message);
    const requestId = c.get('requestId');
    return respondWithSse(messageFrames(events, options), {
      keepAliveMs: deps.keepAliveMs,
      keepAlive: PING,
      terminator: null,
      errorFrame: (error: RelayError) => ({
        kind: 'data',
        event: 'error',
        data: anthropicErrorBody(error, requestId),
      }),
      logger: deps.logger,
      signal,
      node: nodeResponse(c),
    });
  });
  app.post('/v1/messages/count_tokens', async (c) => {
    const prompt = parseCountTokensRequest(await readJson(c), { clientTools: deps.clientTools });
    if (deps.models.lookup(prompt.model) === null) await deps.models.resolveAfterLook(prompt.model);
    return c.json(countTokens(prompt));
  });
  return app;
}
