import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletion as SdkCompletion } from 'openai/resources/chat/completions';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { UpstreamFailure, upstreamFailure } from '../../src/upstream/errors.js';
import { UpstreamError } from '../../src/util/errors.js';
import { createChatChunkEncoder, type ChatChunkEncoderOptions } from '../../src/openai/chat-chunk-encoder.js';
import { foldChatChunks, foldChatCompletion } from '../../src/openai/fold-chat-completion.js';
import type { ChatCompletionChunk } from '../../src/openai/wire.js';
import { ev } from './support.js';

const options = { id: 'chatcmpl-9', model: 'qwen', created: 1_700_000_123 };
const turn: UpstreamEvent[] = [
  ev.created(),
  ev.ready(),
  ev.started(),
  ev.reasoning('plan '),
  ev.text('Hello'),
  ev.tool('t1', 'Read', 'a.go'),
  ev.reasoning('check'),
  ev.text(', world'),
  ev.usage(40, 8),
  ev.finish(),
];

function streamOf(
  events: UpstreamEvent[],
  extra: Partial<ChatChunkEncoderOptions> = {},
): ChatCompletionChunk[] {
  const encoder = createChatChunkEncoder({ ...options, includeUsage: true, ...extra });
  return events.flatMap((event) => encoder.push(event));
}

test('the fold is an SDK ChatCompletion with the concatenated deltas', () => {
  const { completion, usage } = foldChatCompletion(turn, options);
  const sdk: SdkCompletion = completion;
  assert.deepEqual(sdk, {
    id: 'chatcmpl-9',
    object: 'chat.completion',
    created: 1_700_000_123,
    model: 'qwen',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hello, world',
          refusal: null,
          reasoning_content: 'plan check',
        },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 40, completion_tokens: 8, total_tokens: 48 },
  });
  assert.equal(usage.estimated, false);
});

test('fold content equals the stream deltas in every mode', () => {
  for (const reasoning of ['field', 'hide', 'think-tags'] as const) {
    for (const toolActivity of ['hide', 'text'] as const) {
      const chunks = streamOf(turn, { reasoning, toolActivity });
      const streamed = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      const { completion } = foldChatCompletion(turn, { ...options, reasoning, toolActivity });
      assert.equal(completion.choices[0]?.message.content, streamed, `${reasoning}/${toolActivity}`);
      assert.deepEqual(completion, foldChatChunks(chunks));
      const hasReasoning = completion.choices[0]?.message.reasoning_content !== undefined;
      assert.equal(hasReasoning, reasoning === 'field');
    }
  }
});

test('the openai SDK accumulates our stream into the same completion', async () => {
  const chunks = streamOf(turn);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const encoder = new TextEncoder();
      for (const chunk of chunks) controller.enqueue(encoder.encode(`${JSON.stringify(chunk)}\n`));
      controller.close();
    },
  });
  const final = await ChatCompletionStream.fromReadableStream(body).finalChatCompletion();
  const { completion } = foldChatCompletion(turn, options);
  assert.equal(final.choices[0]?.message.content, completion.choices[0]?.message.content);
  assert.equal(final.choices[0]?.finish_reason, 'stop');
  assert.equal(final.choices[0]?.message.role, 'assistant');
  assert.deepEqual(final.usage, completion.usage);
  assert.equal(final.choices[0]?.message.tool_calls, undefined);
});

test('an empty turn folds to empty content with estimated usage', () => {
  const { completion, usage } = foldChatCompletion([ev.created(), ev.finish()], {
    ...options,
    prompt: { systemPrompt: null, content: 'x'.repeat(40) },
  });
  assert.equal(completion.choices[0]?.message.content, '');
  assert.equal(completion.choices[0]?.message.reasoning_content, undefined);
  assert.deepEqual(completion.usage, { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 });
  assert.equal(usage.estimated, true);
});

test('a turn ending in error throws that error', () => {
  const failure = upstreamFailure('task-failed', 'agent crashed');
  const events: UpstreamEvent[] = [
    ev.text('partial'),
    { type: 'error', error: failure, kind: 'task-failed', retryable: true, taskId: 't1' },
  ];
  assert.throws(
    () => foldChatCompletion(events, options),
    (err: unknown) => err === failure && err instanceof UpstreamFailure,
  );
});

test('a turn that ends without finish is an upstream error', () => {
  assert.throws(() => foldChatCompletion([ev.text('partial')], options), UpstreamError);
});
