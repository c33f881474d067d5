import type { ChatCompletionChunk, ChatCompletionChunkDelta, CompletionUsage } from './wire.js';

/** What every chunk of one completion shares. */
export interface ChunkHeader {
  id: string;
  model: string;
  created: number;
  /** When true, chunks carry `usage: null` (the last one the totals); otherwise no `usage` key. */
  includeUsage: boolean;
}

/** A chunk with one choice carrying `delta` (and `finish_reason` when it ends the choice). */
export function choiceChunk(
  header: ChunkHeader,
  delta: ChatCompletionChunkDelta,
  finishReason: 'stop' | null = null,
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
  if (header.includeUsage) chunk.usage = null;
  return chunk;
}

/** The extra last chunk of `include_usage` streams: no choices, just the totals. */
export function usageChunk(header: ChunkHeader, usage: CompletionUsage): ChatCompletionChunk {
  return {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [],
    usage,
  };
}
