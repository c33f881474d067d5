import type { TokenUsage, UpstreamEvent } from '../upstream/types.js';
import { UpstreamError } from '../util/errors.js';
import { createChatChunkEncoder, type ChatChunkEncoderOptions } from './chat-chunk-encoder.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, CompletionUsage } from './wire.js';

/** Options of `foldChatCompletion`: the encoder's, minus `includeUsage` (a fold always has usage). */
export type ChatFoldOptions = Omit<ChatChunkEncoderOptions, 'includeUsage'>;

/** A non-stream answer plus the usage to record (with the `estimated` flag the wire lacks). */
export interface FoldedChatCompletion {
  completion: ChatCompletion;
  usage: TokenUsage;
}

/**
 * The non-stream answer: run the same chunk encoder as the stream over one turn's events and fold
 * its chunks (one translation, not two). A turn that ends with `error` throws that error (an
 * upstream failure the caller maps to HTTP); one that ends without `finish` throws `UpstreamError`.
 */
export function foldChatCompletion(
  events: Iterable<UpstreamEvent>,
  options: ChatFoldOptions,
): FoldedChatCompletion {
  const encoder = createChatChunkEncoder({ ...options, includeUsage: true });
  const chunks: ChatCompletionChunk[] = [];
  for (const event of events) {
    if (event.type === 'error') throw event.error;
    chunks.push(...encoder.push(event));
    if (encoder.isFinished()) break;
  }
  if (!encoder.isFinished()) {
    throw new UpstreamError('the upstream turn ended without finishing', { code: 'upstream_protocol' });
  }
  return { completion: foldChatChunks(chunks), usage: encoder.usage() };
}

/**
 * Fold a complete chunk stream (ending with `finish_reason` and a usage chunk) into the
 * `chat.completion` the same request would have returned without streaming.
 */
export function foldChatChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const first = chunks[0];
  if (first === undefined) throw new UpstreamError('no chunks to fold', { code: 'upstream_protocol' });
  let content = '';
  let reasoning = '';
  let usage: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      reasoning += choice.delta.reasoning_content ?? '';
    }
    if (chunk.usage != null) usage = chunk.usage;
  }
  const message: ChatCompletionMessage = { role: 'assistant', content, refusal: null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  return {
    id: first.id,
    object: 'chat.completion',
    created: first.created,
    model: first.model,
    choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
    usage,
  };
}
