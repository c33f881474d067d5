import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message as SdkMessage } from '@anthropic-ai/sdk/resources/messages';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import {
  createMessageStreamEncoder,
  foldMessage,
  thinkingSignature,
  type MessageEncoderOptions,
  type MessageStreamEvent,
} from '../../src/anthropic/index.js';
import { ev } from '../openai/support.js';

const base: MessageEncoderOptions = {
  id: 'msg_1',
  model: 'claude-sonnet-4-5',
  thinking: true,
  toolActivity: 'hide',
  prompt: { systemPrompt: null, content: 'abcdefgh' },
};

function run(events: UpstreamEvent[], options: Partial<MessageEncoderOptions> = {}): MessageStreamEvent[] {
  const encoder = createMessageStreamEncoder({ ...base, ...options });
  return events.flatMap((event) => encoder.push(event));
}

const shape = (events: MessageStreamEvent[]): string[] =>
  events.map((e) =>
    e.type === 'content_block_delta'
      ? `${e.index}:${e.delta.type}`
      : 'index' in e
        ? `${e.index}:${e.type}`
        : e.type,
  );

test('thinking, then text: blocks open at their first delta, a thinking block closes with its signature; one ping after the first block', () => {
  const events = run([
    ev.created(),
    ev.reasoning('hm'),
    ev.reasoning('m'),
    ev.text('Hi'),
    ev.usage(7, 3),
    ev.finish(),
  ]);
  assert.deepEqual(shape(events), [
    'message_start',
    '0:content_block_start',
    'ping',
    '0:thinking_delta',
    '0:thinking_delta',
    '0:signature_delta',
    '0:content_block_stop',
    '1:content_block_start',
    '1:text_delta',
    '1:content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  const signature = events.find(
    (e) => e.type === 'content_block_delta' && e.delta.type === 'signature_delta',
  );
  assert.ok(
    signature?.type === 'content_block_delta' &&
      signature.delta.type === 'signature_delta' &&
      signature.delta.signature === thinkingSignature('hmm'),
  );
  const end = events.find((e) => e.type === 'message_delta');
  assert.deepEqual(end?.type === 'message_delta' && end.usage, {
    input_tokens: 7,
    output_tokens: 3,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  });
});

test('hidden thinking and a turn without text still end with one empty text block; usage is estimated', () => {
  const events = run([ev.created(), ev.reasoning('secret'), ev.finish()], { thinking: false });
  assert.deepEqual(shape(events), [
    'message_start',
    '0:content_block_start',
    'ping',
    '0:content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  const end = events.find((e) => e.type === 'message_delta');
  assert.ok(end?.type === 'message_delta' && end.usage.input_tokens === 2 && end.usage.output_tokens === 2);
});

test('tool activity as text: one note line per tool, on its own line', () => {
  const folded = foldMessage(
    [
      ev.created(),
      ev.text('Reading'),
      ev.tool('c1', 'Read', 'a.md'),
      ev.tool('c1', 'Read', 'a.md', 'completed'),
      ev.text('Done'),
      ev.finish(),
    ],
    { ...base, toolActivity: 'text' },
  );
  const text = folded.message.content[0];
  assert.ok(text?.type === 'text');
  assert.equal(text.text, 'Reading\n> [tool] Read a.md\n\nDone');
});

test('the fold is the message the stream describes, assignable to the SDK type', () => {
  const { message, usage } = foldMessage(
    [ev.created(), ev.reasoning('think'), ev.text('a'), ev.text('b'), ev.usage(5, 2), ev.finish()],
    base,
  );
  const sdk: Omit<SdkMessage, 'container' | 'diagnostics' | 'stop_details' | 'usage' | 'content'> = message;
  assert.equal(sdk.id, 'msg_1');
  assert.deepEqual(message.content, [
    { type: 'thinking', thinking: 'think', signature: thinkingSignature('think') },
    { type: 'text', text: 'ab', citations: null },
  ]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.deepEqual(usage, { inputTokens: 5, outputTokens: 2, totalTokens: 7, estimated: false });
});

test('a turn that never finishes is an upstream error', () => {
  assert.throws(() => foldMessage([ev.created(), ev.text('x')], base), /without finishing/);
});
