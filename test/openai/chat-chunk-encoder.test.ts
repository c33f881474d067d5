import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk as SdkChunk } from 'openai/resources/chat/completions';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { upstreamFailure } from '../../src/upstream/errors.js';
import { createChatChunkEncoder, type ChatChunkEncoderOptions } from '../../src/openai/chat-chunk-encoder.js';
import type { ChatCompletionChunk } from '../../src/openai/wire.js';
import { ev } from './support.js';

const base: ChatChunkEncoderOptions = {
  id: 'chatcmpl-1',
  model: 'qwen',
  created: 1_700_000_000,
  includeUsage: false,
};

function run(events: UpstreamEvent[], options: Partial<ChatChunkEncoderOptions> = {}): ChatCompletionChunk[] {
  const encoder = createChatChunkEncoder({ ...base, ...options });
  return events.flatMap((event) => encoder.push(event));
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const reasoningOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('');

test('chunks are assignable to the SDK type', () => {
  const chunks: SdkChunk[] = run([ev.text('hi'), ev.usage(3, 1), ev.finish()], { includeUsage: true });
  assert.equal(chunks.length, 3);
});

test('the first chunk carries the role together with the first delta; lifecycle events emit nothing', () => {
  const chunks = run([ev.created(), ev.ready(), ev.started(), ev.text('Hel'), ev.text('lo'), ev.finish()]);
  assert.deepEqual(
    chunks.map((c) => c.choices[0]?.delta),
    [{ role: 'assistant', content: 'Hel' }, { content: 'lo' }, {}],
  );
  assert.deepEqual(
    chunks.map((c) => c.choices[0]?.finish_reason),
    [null, null, 'stop'],
  );
  for (const chunk of chunks) {
    assert.equal(chunk.id, 'chatcmpl-1');
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.created, 1_700_000_000);
    assert.equal(chunk.model, 'qwen');
    assert.equal(chunk.choices[0]?.index, 0);
    assert.equal(chunk.choices[0]?.logprobs, null);
    assert.ok(!('usage' in chunk), 'no usage key without include_usage');
  }
});

test('with no output the role goes out with the final chunk', () => {
  const chunks = run([ev.created(), ev.finish()]);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0]?.choices[0], {
    index: 0,
    delta: { role: 'assistant', content: '' },
    finish_reason: 'stop',
    logprobs: null,
  });
});

test('reasoning as a field (default)', () => {
  const chunks = run([ev.reasoning('think '), ev.reasoning('more'), ev.text('answer'), ev.finish()]);
  assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', reasoning_content: 'think ' });
  assert.equal(reasoningOf(chunks), 'think more');
  assert.equal(contentOf(chunks), 'answer');
});

test('reasoning hidden', () => {
  const encoder = createChatChunkEncoder({ ...base, reasoning: 'hide' });
  assert.deepEqual(encoder.push(ev.reasoning('secret plan')), []);
  assert.equal(encoder.hasOutput(), false);
  const chunks = [...encoder.push(ev.text('ok')), ...encoder.push(ev.finish())];
  assert.equal(reasoningOf(chunks), '');
  assert.equal(contentOf(chunks), 'ok');
  assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: 'ok' });
});

test('reasoning in think tags, closed before text, reopened after text, closed at the end', () => {
  const chunks = run(
    [
      ev.reasoning('a'),
      ev.reasoning('b'),
      ev.text('X'),
      ev.reasoning('c'),
      ev.text('Y'),
      ev.reasoning('d'),
      ev.finish(),
    ],
    { reasoning: 'think-tags' },
  );
  assert.equal(contentOf(chunks), '<think>\nab\n</think>\n\nX<think>\nc\n</think>\n\nY<think>\nd\n</think>');
  assert.equal(reasoningOf(chunks), '');
  assert.deepEqual(chunks.at(-1)?.choices[0]?.delta, {});
});

test('an unclosed think block is closed at finish even with no text', () => {
  const chunks = run([ev.reasoning('only thinking'), ev.finish()], { reasoning: 'think-tags' });
  assert.equal(contentOf(chunks), '<think>\nonly thinking\n</think>');
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
});

test('tool activity is hidden by default', () => {
  const encoder = createChatChunkEncoder(base);
  assert.deepEqual(encoder.push(ev.tool('t1', 'Read', 'src/main.go')), []);
  assert.equal(encoder.hasOutput(), false);
});

test('tool activity as text: one note per tool, on its own line', () => {
  const chunks = run(
    [
      ev.text('Looking.'),
      ev.tool('t1', 'Read', 'src/main.go'),
      ev.tool('t1', 'Read', 'src/main.go', 'completed'),
      ev.tool('t2', 'Run go test ./...', 'go test ./...'),
      ev.tool('t3', null, 'multi\nline   cmd'),
      ev.text('Done.'),
      ev.finish(),
    ],
    { toolActivity: 'text' },
  );
  assert.equal(
    contentOf(chunks),
    'Looking.\n> [tool] Read src/main.go\n\n> [tool] Run go test ./...\n\n> [tool] read multi line cmd\n\nDone.',
  );
});

test('a tool note closes an open think block first', () => {
  const chunks = run([ev.reasoning('hmm'), ev.tool('t1', 'Read', 'a.go'), ev.finish()], {
    reasoning: 'think-tags',
    toolActivity: 'text',
  });
  assert.equal(contentOf(chunks), '<think>\nhmm\n</think>\n\n> [tool] Read a.go\n\n');
});

test('tool calls are never emitted', () => {
  const chunks = run([ev.tool('t1', 'Edit', 'x.go'), ev.text('ok'), ev.finish()], {
    toolActivity: 'text',
    includeUsage: true,
  });
  for (const chunk of chunks) {
    const json = JSON.stringify(chunk);
    assert.doesNotMatch(json, /tool_calls/);
    assert.notEqual(chunk.choices[0]?.finish_reason, 'tool_calls');
  }
});

test('include_usage: usage null on every chunk, then a usage chunk with no choices', () => {
  const chunks = run([ev.text('hi'), ev.usage(10, 2), ev.finish()], { includeUsage: true });
  assert.equal(chunks.length, 3);
  assert.equal(chunks[0]?.usage, null);
  assert.equal(chunks[1]?.usage, null);
  assert.equal(chunks[1]?.choices[0]?.finish_reason, 'stop');
  assert.deepEqual(chunks[2]?.choices, []);
  assert.deepEqual(chunks[2]?.usage, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
});

test('reported usage is passed through', () => {
  const encoder = createChatChunkEncoder({ ...base, includeUsage: true });
  encoder.push(ev.usage(100, 20));
  assert.deepEqual(encoder.usage(), {
    inputTokens: 100,
    outputTokens: 20,
    totalTokens: 120,
    estimated: false,
  });
});

test('without a usage event, usage is estimated and marked', () => {
  const encoder = createChatChunkEncoder({
    ...base,
    includeUsage: true,
    prompt: { systemPrompt: 'abcd', content: 'abcdefgh' },
  });
  encoder.push(ev.reasoning('abcd'));
  encoder.push(ev.text('abcdefgh你好'));
  const last = encoder.push(ev.finish()).at(-1);
  assert.deepEqual(encoder.usage(), {
    inputTokens: 3,
    outputTokens: 5,
    totalTokens: 8,
    estimated: true,
  });
  assert.deepEqual(last?.usage, { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
});

test('hasOutput turns true with the first emitted chunk', () => {
  const encoder = createChatChunkEncoder(base);
  for (const event of [ev.created(), ev.ready(), ev.started(), ev.usage(1, 1), ev.text('')])
    encoder.push(event);
  assert.equal(encoder.hasOutput(), false);
  encoder.push(ev.reasoning('r'));
  assert.equal(encoder.hasOutput(), true);
});

test('an error event yields no chunks (the SSE writer frames errors)', () => {
  const encoder = createChatChunkEncoder(base);
  const error = upstreamFailure('network', 'socket lost');
  assert.deepEqual(
    encoder.push({ type: 'error', error, kind: 'network', retryable: true, taskId: 't1' }),
    [],
  );
  assert.equal(encoder.hasOutput(), false);
  assert.equal(encoder.isFinished(), false);
});

test('finish is idempotent and closes the encoder', () => {
  const encoder = createChatChunkEncoder(base);
  assert.equal(encoder.finish().length, 1);
  assert.deepEqual(encoder.finish(), []);
  assert.equal(encoder.isFinished(), true);
  assert.throws(() => encoder.push(ev.text('late')));
});
