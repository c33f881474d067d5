import type { TokenUsage, UpstreamEvent } from '../upstream/types.js';
import { UpstreamError } from '../util/errors.js';
import { createMessageStreamEncoder, type MessageEncoderOptions } from './stream-encoder.js';
import type { ContentBlock, Message, MessageStreamEvent } from './wire.js';

/** A non-stream answer plus the usage to record (with the `estimated` flag the wire lacks). */
export interface FoldedMessage {
  message: Message;
  usage: TokenUsage;
}

/**
 * The non-stream answer: run the same encoder as the stream over one turn's events and fold its
 * events (one translation, not two). A turn that ends with `error` throws that error (an upstream
 * failure the caller maps to HTTP); one that ends without `finish` throws `UpstreamError`.
 */
export function foldMessage(events: Iterable<UpstreamEvent>, options: MessageEncoderOptions): FoldedMessage {
  const encoder = createMessageStreamEncoder(options);
  const streamed: MessageStreamEvent[] = encoder.start();
  for (const event of events) {
    if (event.type === 'error') throw event.error;
    streamed.push(...encoder.push(event));
    if (encoder.isFinished()) break;
  }
  if (!encoder.isFinished())
    throw new UpstreamError('the upstream turn ended without finishing', { code: 'upstream_protocol' });
  return { message: foldMessageEvents(streamed), usage: encoder.usage() };
}

/** Fold a complete event stream (`message_start` … `message_stop`) into the `message` it describes. */
export function foldMessageEvents(events: readonly MessageStreamEvent[]): Message {
  let message: Message | null = null;
  for (const event of events) {
    if (event.type === 'message_start') message = { ...event.message, content: [] };
    if (message === null) continue;
    switch (event.type) {
      case 'content_block_start':
        message.content[event.index] = { ...event.content_block };
        break;
      case 'content_block_delta': {
        const block = message.content[event.index];
        if (block !== undefined) message.content[event.index] = applyDelta(block, event.delta);
        break;
      }
      case 'message_delta':
        message.stop_reason = event.delta.stop_reason;
        message.usage = event.usage;
        break;
      default:
        break;
    }
  }
  if (message === null) throw new UpstreamError('no message_start to fold', { code: 'upstream_protocol' });
  return message;
}

function applyDelta(
  block: ContentBlock,
  delta: Extract<MessageStreamEvent, { type: 'content_block_delta' }>['delta'],
): ContentBlock {
  if (block.type === 'text' && delta.type === 'text_delta')
    return { ...block, text: block.text + delta.text };
  if (block.type === 'thinking' && delta.type === 'thinking_delta')
    return { ...block, thinking: block.thinking + delta.thinking };
  if (block.type === 'thinking' && delta.type === 'signature_delta')
    return { ...block, signature: delta.signature };
  return block;
}
