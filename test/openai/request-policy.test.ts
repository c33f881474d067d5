import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { parseChatRequest } from '../../src/openai/chat-request.js';
import { assertInvalid } from './support.js';

const messages = [{ role: 'user', content: 'hi' }] as const;
const withParams = (params: Record<string, unknown>) => ({ model: 'm', messages, ...params });

// What opencode sends: ten function tools (abridged) plus tool_choice auto.
const opencodeTools = Array.from({ length: 10 }, (_, i) => ({
  type: 'function' as const,
  function: { name: `tool_${i}`, description: 'd', parameters: { type: 'object', properties: {} } },
}));

test('harmless sampling and bookkeeping params are accepted and ignored', () => {
  const body: ChatCompletionCreateParams = {
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    temperature: 0.2,
    top_p: 0.9,
    max_tokens: 100,
    max_completion_tokens: 200,
    frequency_penalty: 0.1,
    presence_penalty: -0.1,
    stop: ['END'],
    seed: 42,
    user: 'u-1',
    metadata: { team: 'a' },
    store: false,
    parallel_tool_calls: true,
    logit_bias: { '50256': -100 },
    reasoning_effort: 'high',
    service_tier: 'auto',
    prompt_cache_key: 'k',
    prompt_cache_retention: '24h',
    safety_identifier: 'hash',
    verbosity: 'low',
    n: 1,
    logprobs: false,
    top_logprobs: 0,
    response_format: { type: 'text' },
    modalities: ['text'],
    tool_choice: 'auto',
  };
  const request = parseChatRequest(body);
  assert.equal(request.content, 'hi');
  assert.equal(request.user, 'u-1');
  assert.doesNotThrow(() =>
    parseChatRequest(withParams({ stop: 'END', temperature: null, n: null, audio: null })),
  );
});

test('known params are type-checked even when ignored', () => {
  assertInvalid(() => parseChatRequest(withParams({ stream: 'yes' })), 'stream');
  assertInvalid(() => parseChatRequest(withParams({ temperature: 'hot' })), 'temperature');
  assertInvalid(() => parseChatRequest(withParams({ max_tokens: 1.5 })), 'max_tokens');
  assertInvalid(() => parseChatRequest(withParams({ stop: 3 })), 'stop');
  assertInvalid(() => parseChatRequest(withParams({ metadata: { a: 1 } })), 'metadata.a');
  assertInvalid(
    () => parseChatRequest(withParams({ stream_options: { include_usage: 'yes' } })),
    'stream_options.include_usage',
  );
  assertInvalid(() => parseChatRequest(withParams({ tools: [{ function: {} }] })), 'tools[0].type');
  assertInvalid(() => parseChatRequest(withParams({ n: 0 })), 'n');
});

test('semantics-changing params are refused, naming the param', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ n: 2 }, 'n'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }, 'response_format'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{ web_search_options: {} }, 'web_search_options'],
    [{ moderation: { model: 'omni-moderation-latest' } }, 'moderation'],
  ];
  for (const [params, param] of cases) {
    const error = assertInvalid(() => parseChatRequest(withParams(params)), param);
    assert.equal(error.code, 'unsupported_parameter');
  }
});

test('client tools are ignored by default and counted', () => {
  const request = parseChatRequest(withParams({ tools: opencodeTools, tool_choice: 'auto' }));
  assert.equal(request.clientToolsIgnored, 10);
  const legacy = parseChatRequest(
    withParams({ functions: [{ name: 'f', parameters: {} }], function_call: 'auto' }),
  );
  assert.equal(legacy.clientToolsIgnored, 1);
  const custom = parseChatRequest(
    withParams({ tools: [{ type: 'custom', custom: { name: 'grep' } }], tool_choice: 'none' }),
  );
  assert.equal(custom.clientToolsIgnored, 1);
});

test('client tools are refused in reject mode', () => {
  assertInvalid(
    () => parseChatRequest(withParams({ tools: opencodeTools }), { clientTools: 'reject' }),
    'tools',
  );
  assertInvalid(
    () => parseChatRequest(withParams({ functions: [{ name: 'f' }] }), { clientTools: 'reject' }),
    'functions',
  );
  const empty = parseChatRequest(withParams({ tools: [] }), { clientTools: 'reject' });
  assert.equal(empty.clientToolsIgnored, 0);
});

test('a tool_choice that forces a call is refused; auto and none are fine', () => {
  const forced = [
    'required',
    { type: 'function', function: { name: 'tool_1' } },
    { type: 'custom', custom: { name: 'grep' } },
    { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [] } },
  ];
  for (const choice of forced) {
    const error = assertInvalid(
      () => parseChatRequest(withParams({ tools: opencodeTools, tool_choice: choice })),
      'tool_choice',
    );
    assert.equal(error.code, 'unsupported_parameter');
  }
  for (const choice of [
    'auto',
    'none',
    null,
    { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
  ]) {
    assert.doesNotThrow(() => parseChatRequest(withParams({ tools: opencodeTools, tool_choice: choice })));
  }
  assertInvalid(() => parseChatRequest(withParams({ tool_choice: 'sometimes' })), 'tool_choice');
  assertInvalid(() => parseChatRequest(withParams({ tool_choice: { type: 'mcp' } })), 'tool_choice.type');
  assertInvalid(
    () =>
      parseChatRequest(withParams({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'x' } } })),
    'tool_choice.allowed_tools.mode',
  );
});

test('a forced legacy function_call is refused', () => {
  assertInvalid(() => parseChatRequest(withParams({ function_call: { name: 'f' } })), 'function_call');
  assertInvalid(() => parseChatRequest(withParams({ function_call: 'always' })), 'function_call');
  assert.doesNotThrow(() => parseChatRequest(withParams({ function_call: 'none' })));
});
