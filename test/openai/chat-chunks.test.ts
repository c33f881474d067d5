import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { choiceChunk, chunkJsonWriter, usageChunk, type ChunkHeader } from '../../src/openai/chat-chunks.js';
import type { ChatCompletionChunk, ChatCompletionChunkDelta } from '../../src/openai/wire.js';
import { fuzzRuns } from '../fuzz/fuzz-runs.js';

// Every string form JSON must escape: quotes, backslashes, controls, lone surrogates, non-ASCII.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const header = fc.record({
  id: text,
  model: text,
  created: fc.oneof(fc.integer(), fc.double()),
  includeUsage: fc.boolean(),
});
const delta: fc.Arbitrary<ChatCompletionChunkDelta> = fc.record(
  { role: fc.constant('assistant' as const), content: text, reasoning_content: text },
  { requiredKeys: [] },
);

test('chunkJsonWriter writes exactly what JSON.stringify writes, for every chunk shape', () => {
  fc.assert(
    fc.property(
      header,
      header,
      delta,
      fc.constantFrom('stop' as const, null),
      (own: ChunkHeader, other: ChunkHeader, d, finish) => {
        const json = chunkJsonWriter(own);
        const chunks: ChatCompletionChunk[] = [
          choiceChunk(own, d, finish),
          choiceChunk(other, d, finish), // another completion's header: written in full
          usageChunk(own, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }),
        ];
        for (const chunk of chunks) assert.equal(json(chunk), JSON.stringify(chunk));
      },
    ),
    fuzzRuns(300),
  );
});

test('chunkJsonWriter keeps the usage key as the header says', () => {
  const json = chunkJsonWriter({ id: 'chatcmpl-1', model: 'm', created: 1, includeUsage: true });
  const chunk = choiceChunk(
    { id: 'chatcmpl-1', model: 'm', created: 1, includeUsage: true },
    { content: 'hi' },
  );
  assert.equal(
    json(chunk),
    '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null,"logprobs":null}],"usage":null}',
  );
  const { usage: _dropped, ...withoutUsage } = chunk;
  assert.equal(json(withoutUsage), JSON.stringify(withoutUsage));
});
