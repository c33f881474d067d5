import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { parseChatRequest } from '../../src/openai/chat-request.js';
import { InvalidRequestError } from '../../src/util/errors.js';
import { assertInvalid } from './support.js';

// Bodies are typed as the SDK's request params, so every accepted shape is one a real SDK sends.
const parse = (body: ChatCompletionCreateParams) => parseChatRequest(body);

test('a single user string message: plain text content, defaults', () => {
  const request = parse({ model: 'qwen', messages: [{ role: 'user', content: 'Hello there' }] });
  assert.equal(request.model, 'qwen');
  assert.equal(request.content, 'Hello there');
  assert.equal(request.systemPrompt, null);
  assert.equal(request.stream, false);
  assert.equal(request.includeUsage, false);
  assert.equal(request.clientToolsIgnored, 0);
  assert.equal(request.messageCount, 1);
  assert.equal(request.user, null);
  assert.deepEqual(request.messages, [
    { role: 'user', text: 'Hello there', name: null, toolCallId: null, toolCalls: [] },
  ]);
});

test('text part arrays are joined with newlines', () => {
  const request = parse({
    model: 'm',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ],
  });
  assert.equal(request.content, 'one\ntwo');
});

test('system and developer messages become the system prompt, in order', () => {
  const request = parse({
    model: 'm',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use Go.' }] },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Late rule.' },
    ],
  });
  assert.equal(request.systemPrompt, 'Be brief.\n\nUse Go.\n\nLate rule.');
  assert.equal(request.content, 'Hi');
  assert.equal(request.messageCount, 4);
  assert.deepEqual(
    request.messages.map((m) => m.role),
    ['system', 'developer', 'user', 'system'],
  );
});

test('assistant with null content and tool_calls, then a tool message', () => {
  const request = parse({
    model: 'm',
    messages: [
      { role: 'user', content: 'Read it' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"p":1}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'file body' }] },
      { role: 'user', content: 'Now?' },
    ],
  });
  assert.deepEqual(request.messages[1], {
    role: 'assistant',
    text: '',
    name: null,
    toolCallId: null,
    toolCalls: [{ id: 'call_1', name: 'read', arguments: '{"p":1}' }],
  });
  assert.deepEqual(request.messages[2], {
    role: 'tool',
    text: 'file body',
    name: null,
    toolCallId: 'call_1',
    toolCalls: [],
  });
  assert.match(request.content, /<tool_call id="call_1" name="read">\n\{"p":1\}\n<\/tool_call>/);
});

test('legacy function role and function_call, custom tool calls, refusals and names', () => {
  const request = parse({
    model: 'm',
    messages: [
      { role: 'user', content: 'Weather?', name: 'ann' },
      { role: 'assistant', content: null, function_call: { name: 'weather', arguments: '{}' } },
      { role: 'function', name: 'weather', content: 'sunny' },
      {
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'No.' }],
        tool_calls: [{ id: 'c2', type: 'custom', custom: { name: 'grep', input: 'x' } }],
      },
      { role: 'user', content: 'ok' },
    ],
  });
  assert.equal(request.messages[0]?.name, 'ann');
  assert.deepEqual(request.messages[1]?.toolCalls, [{ id: null, name: 'weather', arguments: '{}' }]);
  assert.deepEqual(request.messages[2], {
    role: 'tool',
    text: 'sunny',
    name: 'weather',
    toolCallId: null,
    toolCalls: [],
  });
  assert.equal(request.messages[3]?.text, 'No.');
  assert.deepEqual(request.messages[3]?.toolCalls, [{ id: 'c2', name: 'grep', arguments: 'x' }]);
});

test('stream and include_usage are honoured; include_usage needs stream', () => {
  const streaming = parse({
    model: 'm',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(streaming.stream, true);
  assert.equal(streaming.includeUsage, true);
  const plain = parseChatRequest({
    model: 'm',
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(plain.includeUsage, false);
});

test('unknown top-level vendor fields are accepted', () => {
  const request = parseChatRequest({
    model: 'm',
    messages: [{ role: 'user', content: 'x' }],
    chat_template_kwargs: { a: 1 },
    top_k: 3,
  });
  assert.equal(request.content, 'x');
});

test('body, model and messages errors name the field', () => {
  assertInvalid(() => parseChatRequest('nope'), null);
  assertInvalid(() => parseChatRequest(null), null);
  assert.equal(
    parseChatRequest({ messages: [{ role: 'user', content: 'x' }] }).model,
    null,
    'no model: the route applies its default',
  );
  assertInvalid(() => parseChatRequest({ model: '', messages: [{ role: 'user', content: 'x' }] }), 'model');
  assertInvalid(() => parseChatRequest({ model: 7, messages: [{ role: 'user', content: 'x' }] }), 'model');
  assertInvalid(() => parseChatRequest({ model: 'm' }), 'messages');
  assertInvalid(() => parseChatRequest({ model: 'm', messages: [] }), 'messages');
  assertInvalid(() => parseChatRequest({ model: 'm', messages: 'hi' }), 'messages');
});

test('missing required fields say so', () => {
  const error = assertInvalid(() => parseChatRequest({ model: 'm' }), 'messages');
  assert.match(error.message, /Missing required parameter: 'messages'/);
  assertInvalid(() => parseChatRequest({ model: 'm', messages: [{ role: 'user' }] }), 'messages[0].content');
  assertInvalid(
    () => parseChatRequest({ model: 'm', messages: [{ role: 'tool', content: 'r' }] }),
    'messages[0].tool_call_id',
  );
  assertInvalid(
    () => parseChatRequest({ model: 'm', messages: [{ role: 'function', content: 'r' }] }),
    'messages[0].name',
  );
});

test('message shape errors carry the exact path', () => {
  const bad =
    (message: unknown, extra: unknown[] = []) =>
    () =>
      parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'ok' }, ...extra, message] });
  assertInvalid(bad('text'), 'messages[1]');
  assertInvalid(bad({ role: 'robot', content: 'x' }), 'messages[1].role');
  assertInvalid(bad({ content: 'x' }), 'messages[1].role');
  assertInvalid(bad({ role: 'user', content: 5 }), 'messages[1].content');
  assertInvalid(bad({ role: 'user', content: [{ text: 'x' }] }), 'messages[1].content[0].type');
  assertInvalid(bad({ role: 'user', content: ['x'] }), 'messages[1].content[0]');
  assertInvalid(bad({ role: 'user', content: [{ type: 'text', text: 3 }] }), 'messages[1].content[0].text');
  assertInvalid(
    bad({ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'video' }] }),
    'messages[1].content[1].type',
  );
  assertInvalid(
    bad({ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }),
    'messages[1].content[0].type',
  );
  assertInvalid(bad({ role: 'user', content: 'x', name: 4 }), 'messages[1].name');
  assertInvalid(
    bad({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function' }] }),
    'messages[1].tool_calls[0].function',
  );
  assertInvalid(
    bad({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'mcp' }] }),
    'messages[1].tool_calls[0].type',
  );
  assertInvalid(
    bad({
      role: 'assistant',
      content: null,
      tool_calls: [{ type: 'function', function: { name: 'f', arguments: '' } }],
    }),
    'messages[1].tool_calls[0].id',
  );
  assertInvalid(
    bad({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', function: { name: 'f', arguments: {} } }],
    }),
    'messages[1].tool_calls[0].function.arguments',
  );
  assertInvalid(bad({ role: 'assistant', audio: { id: 'aud_1' } }), 'messages[1].audio');
  assertInvalid(
    bad({ role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: { url: 'x' } }] }),
    'messages[1].content[0]',
  );
});

test('image, audio and file parts are refused, naming the part', () => {
  const parts = [
    { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
    { type: 'file', file: { file_id: 'file_1' } },
  ] as const;
  for (const part of parts) {
    const error = assertInvalid(
      () =>
        parse({
          model: 'm',
          messages: [
            { role: 'system', content: 's' },
            { role: 'user', content: [part] },
          ],
        }),
      'messages[1].content[0]',
    );
    assert.match(error.message, /not supported/);
  }
});

test('error messages never echo message text', () => {
  const secret = 'SECRET-PROMPT-TEXT';
  const attempts: unknown[] = [
    { model: 'm', messages: [{ role: secret, content: secret }] },
    { model: 'm', messages: [{ role: 'user', content: [{ type: secret, text: secret }] }] },
    {
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: secret } }] }],
    },
    { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: secret }] }] },
    { model: 'm', stream: secret, messages: [{ role: 'user', content: 'x' }] },
  ];
  for (const body of attempts) {
    assert.throws(
      () => parseChatRequest(body),
      (error: unknown) => error instanceof InvalidRequestError && !error.message.includes(secret),
    );
  }
});

test('a conversation with no text to send is a 400 on messages', () => {
  assertInvalid(
    () => parse({ model: 'm', messages: [{ role: 'system', content: 'only system' }] }),
    'messages',
  );
  assertInvalid(() => parse({ model: 'm', messages: [{ role: 'user', content: '  ' }] }), 'messages');
});
