import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicModels, parseCountTokensRequest, parseMessagesRequest } from '../../src/anthropic/index.js';
import { NotFoundError } from '../../src/util/errors.js';
import { assertInvalid } from '../openai/support.js';

const body = (extra: Record<string, unknown>) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

test('system blocks become the system prompt; a lone user message is its text', () => {
  const request = parseMessagesRequest(
    body({
      system: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } },
      ],
      stream: true,
    }),
  );
  assert.equal(request.systemPrompt, 'a\n\nb');
  assert.equal(request.content, 'hi');
  assert.equal(request.stream, true);
  assert.equal(request.thinking, true);
});

test('assistant text blocks are concatenated, thinking skipped, tool_use kept as a tool call; tool_result is a tool message', () => {
  const request = parseMessagesRequest(
    body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Hel' },
            { type: 'redacted_thinking', data: 'x' },
            { type: 'text', text: 'lo' },
            { type: 'tool_use', id: 't1', name: 'Read', input: { p: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'out' }] },
            { type: 'text', text: 'next' },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(
    request.messages.map((m) => [m.role, m.text, m.toolCallId, m.toolCalls]),
    [
      ['user', 'one\ntwo', null, []],
      ['assistant', 'Hello', null, [{ id: 't1', name: 'Read', arguments: '{"p":1}' }]],
      ['tool', 'out', 't1', []],
      ['user', 'next', null, []],
    ],
  );
});

test('refused: missing max_tokens, image and document blocks, a forced tool choice, tools when clientTools is reject', () => {
  assertInvalid(
    () => parseMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    'max_tokens',
  );
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA' } };
  assertInvalid(
    () => parseMessagesRequest(body({ messages: [{ role: 'user', content: [image] }] })),
    'messages[0].content[0]',
  );
  const doc = { type: 'tool_result', tool_use_id: 't', content: [{ type: 'document', source: {} }] };
  assertInvalid(
    () => parseMessagesRequest(body({ messages: [{ role: 'user', content: [doc] }] })),
    'messages[0].content[0].content[0]',
  );
  assertInvalid(
    () => parseMessagesRequest(body({ tool_choice: { type: 'tool', name: 'f' } })),
    'tool_choice',
  );
  assertInvalid(
    () => parseMessagesRequest(body({ tools: [{ name: 'f' }] }), { clientTools: 'reject' }),
    'tools',
  );
  assertInvalid(
    () => parseMessagesRequest(body({ messages: [{ role: 'user', content: [{ type: 'video' }] }] })),
    'messages[0].content[0].type',
  );
  assert.equal(
    parseMessagesRequest(body({ tools: [{ name: 'f' }], tool_choice: { type: 'auto' } })).clientToolsIgnored,
    1,
  );
});

test('count_tokens needs no max_tokens; thinking disabled is honoured', () => {
  const prompt = parseCountTokensRequest({
    model: 'm',
    messages: [{ role: 'user', content: 'x' }],
    thinking: { type: 'disabled' },
  });
  assert.equal(prompt.thinking, false);
});

test("model aliases: exact first, then the pool's own names, then the longest prefix pattern (null: the default model)", () => {
  const names = new Map([
    ['up/a', 'up/a'],
    ['up/b', 'up/b'],
    ['alias-b', 'up/b'],
  ]);
  const catalog = {
    tryResolve: (name: string) => names.get(name) ?? null,
    list: () => [...names.keys()].map((id) => ({ id })),
  };
  const models = new AnthropicModels(catalog, {
    aliases: { 'claude-*': null, 'claude-opus-*': 'alias-b', 'claude-x': 'up/a', 'claude-gone': 'nope' },
    defaultModel: 'up/a',
  });
  assert.equal(models.resolve('claude-sonnet-4-5'), 'up/a');
  assert.equal(models.resolve('claude-opus-4-1'), 'up/b');
  assert.equal(models.resolve('claude-x'), 'up/a');
  assert.equal(models.resolve('up/b'), 'up/b');
  assert.throws(() => models.resolve('gpt-4o'), NotFoundError);
  assert.throws(() => models.resolve('claude-gone'), NotFoundError);
  assert.deepEqual(models.list(), ['up/a', 'up/b', 'alias-b', 'claude-x']);
  const noDefault = new AnthropicModels(catalog, { aliases: { 'claude-*': null }, defaultModel: null });
  assert.throws(() => noDefault.resolve('claude-sonnet-4-5'), /openai\.defaultModel/);
});
