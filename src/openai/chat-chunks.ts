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

/**
 * The JSON text of a completion's chunks, byte for byte what `JSON.stringify` writes, with the part
 * every choice chunk shares (`{"id":…,"delta":`) built once: a stream writes one chunk per output
 * fragment. A chunk of any other shape (the usage chunk) is stringified whole.
 */
export function chunkJsonWriter(header: ChunkHeader): (chunk: ChatCompletionChunk) => string {
  const head =
    `{"id":${JSON.stringify(header.id)},"object":"chat.completion.chunk",` +
    `"created":${JSON.stringify(header.created)},"model":${JSON.stringify(header.model)},` +
    `"choices":[{"index":0,"delta":`;
  const usage = header.includeUsage ? null : undefined;
  const tail = header.includeUsage ? ',"logprobs":null}],"usage":null}' : ',"logprobs":null}]}';
  return (chunk) => {
    const choice = chunk.choices.length === 1 ? chunk.choices[0] : undefined;
    const shared =
      choice !== undefined &&
      choice.index === 0 &&
      choice.logprobs === null &&
      chunk.id === header.id &&
      chunk.created === header.created &&
      chunk.model === header.model &&
      chunk.usage === usage;
    if (!shared) return JSON.stringify(chunk);
    return `${head}${JSON.stringify(choice.delta)},"finish_reason":${JSON.stringify(choice.finish_reason)}${tail}`;
  };
}
