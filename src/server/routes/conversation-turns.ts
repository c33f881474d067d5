import type { RequestTrace } from '../../util/request-trace.js';
import { continuationKey } from '../../conversations/conversation-key.js';
import type { Durability, ConversationTurn, Retention } from '../../conversations/conversation-service.js';
import {
  answerMessage,
  canonicalMessages,
  inlineInstructions,
  renderFollowUp,
  splitAtLastAnswer,
  type ChatMessage,
} from '../../openai/index.js';

/** What every turn of a route shares. */
interface TurnBase {
  route: string;
  clientKeyHash: string | null;
  upstreamModel: string;
  systemPrompt: string | null;
  content: string;
  trace?: RequestTrace | null;
}

function base(
  turn: TurnBase,
): Pick<
  ConversationTurn,
  'route' | 'clientKeyHash' | 'upstreamModel' | 'systemPrompt' | 'content' | 'warmText' | 'trace'
> {
  return { ...turn, warmText: () => inlineInstructions(turn.systemPrompt, turn.content) };
}

/** Keys of points in a conversation identified by its messages (chat; Responses without an id). */
function messagesKey(turn: TurnBase, messages: readonly ChatMessage[]): string {
  return continuationKey({
    clientKeyHash: turn.clientKeyHash,
    model: turn.upstreamModel,
    systemPrompt: turn.systemPrompt,
    point: { kind: 'messages', messages: canonicalMessages(messages) },
  });
}

/**
 * A request that resends the whole conversation: it continues from the prefix ending at the last
 * assistant message, when relaypool answered that prefix (same client, model, system prompt);
 * afterwards the conversation continues at its messages plus this answer.
 */
export function resentConversationTurn(
  turn: TurnBase,
  messages: readonly ChatMessage[],
  where: Durability,
  retain: Retention,
): ConversationTurn {
  const split = splitAtLastAnswer(messages);
  const from =
    split.answered === null
      ? null
      : { key: messagesKey(turn, split.answered), text: split.followUpText, bindings: where };
  return {
    ...base(turn),
    from,
    retain,
    nextKey: (answer) => messagesKey(turn, [...messages, answerMessage(answer)]),
  };
}

/** The key of a stored response, as a point a conversation continues from. */
function responseKey(turn: TurnBase, responseId: string): string {
  return continuationKey({
    clientKeyHash: turn.clientKeyHash,
    model: turn.upstreamModel,
    systemPrompt: turn.systemPrompt,
    point: { kind: 'response', responseId },
  });
}

/**
 * A Responses request: with `previous_response_id` it continues from that stored response (the new
 * turn is only its own input); afterwards the conversation continues at this response's id.
 */
export function storedResponseTurn(
  turn: TurnBase,
  previousId: string | null,
  input: readonly ChatMessage[],
  responseId: string,
  retain: Retention,
): ConversationTurn {
  const from =
    previousId === null
      ? null
      : { key: responseKey(turn, previousId), text: renderFollowUp(input), bindings: 'durable' as const };
  return { ...base(turn), from, retain, nextKey: () => responseKey(turn, responseId) };
}
