import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import { parseResponsesRequest } from '../../src/openai/responses-request.js';
import { assertInvalid } from './support.js';

const userText = (text: string) => ({ type: 'input_text', text });

test('a string input is one user message sent as plain text; defaults apply', () => {
  const body: ResponseCreateParams = { model: 'qwen', input: 'Say hi' };
  const request = parseResponsesRequest(body);
  assert.deepEqual(request, {
    model: 'qwen',
    instructions: null,
    systemPrompt: null,
    content: 'Say hi',
    messages: [{ role: 'user', text: 'Say hi', name: null, toolCallId: null, toolCalls: [] }],
    stream: false,
    store: true,
    previousResponseId: null,
    metadata: null,
    clientToolsIgnored: 0,
    toolChoice: 'auto',
    parallelToolCalls: true,
    user: null,
  });
});

test('model is optional; stream, store, previous_response_id, metadata and user are read', () => {
  const request = parseResponsesRequest({
    input: 'hi',
    stream: true,
    store: false,
    previous_response_id: 'resp_abc',
    metadata: { ticket: '42' },
    user: 'u-1',
    parallel_tool_calls: false,
    tool_choice: 'none',
  });
  assert.equal(request.model, null);
  assert.equal(request.stream, true);
  assert.equal(request.store, false);
  assert.equal(request.previousResponseId, 'resp_abc');
  assert.deepEqual(request.metadata, { ticket: '42' });
  assert.equal(request.user, 'u-1');
  assert.equal(request.parallelToolCalls, false);
  assert.equal(request.toolChoice, 'none');
});

test('instructions come first in the system prompt, then system/developer messages in order', () => {
  const request = parseResponsesRequest({
    instructions: 'Be brief.',
    input: [
      { role: 'developer', content: 'Use Go.' },
      { type: 'message', role: 'system', content: [userText('No emojis.')] },
      { role: 'user', content: 'Write main.go' },
    ],
  });
  assert.equal(request.instructions, 'Be brief.');
  assert.equal(request.systemPrompt, 'Be brief.\n\nUse Go.\n\nNo emojis.');
  assert.equal(request.content, 'Write main.go');
  assert.deepEqual(
    request.messages.map((m) => m.role),
    ['developer', 'system', 'user'],
  );
});

test('message items: with or without type, string or part content, input_text/output_text/refusal parts', () => {
  const request = parseResponsesRequest({
    input: [
      { role: 'user', content: [userText('line 1'), userText('line 2')] },
      {
        type: 'message',
        id: 'msg_old',
        status: 'completed',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Sure.', annotations: [] },
          { type: 'refusal', refusal: 'Not that.' },
        ],
      },
      { role: 'user', content: 'And now?' },
    ],
  });
  assert.deepEqual(
    request.messages.map((m) => [m.role, m.text]),
    [
      ['user', 'line 1\nline 2'],
      ['assistant', 'Sure.\nNot that.'],
      ['user', 'And now?'],
    ],
  );
  assert.match(request.content, /<message role="assistant">\nSure\.\nNot that\.\n<\/message>/);
  assert.match(request.content, /Reply to the last user message/);
});

test('Codex history items: tool calls join the assistant message, outputs become tool messages', () => {
  const request = parseResponsesRequest({
    input: [
      { role: 'user', content: 'List files' },
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [{ type: 'summary_text', text: 'think' }],
        encrypted_content: 'gAAA',
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
      {
        type: 'function_call',
        id: 'fc_1',
        call_id: 'call_1',
        name: 'shell',
        arguments: '{"command":["ls"]}',
      },
      { type: 'function_call_output', call_id: 'call_1', output: 'a.go\nb.go' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'Done!' }] },
      {
        type: 'local_shell_call',
        id: 'ls_1',
        call_id: 'call_3',
        status: 'completed',
        action: { type: 'exec', command: ['pwd'] },
      },
      { type: 'local_shell_call_output', id: 'call_3', output: '/repo' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'go' } },
      { type: 'compaction', encrypted_content: 'opaque' },
      { role: 'user', content: 'Thanks' },
    ],
  });
  assert.deepEqual(
    request.messages.map((m) => ({
      role: m.role,
      text: m.text,
      toolCallId: m.toolCallId,
      calls: m.toolCalls,
    })),
    [
      { role: 'user', text: 'List files', toolCallId: null, calls: [] },
      {
        role: 'assistant',
        text: 'Checking.',
        toolCallId: null,
        calls: [{ id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' }],
      },
      { role: 'tool', text: 'a.go\nb.go', toolCallId: 'call_1', calls: [] },
      {
        role: 'assistant',
        text: '',
        toolCallId: null,
        calls: [{ id: 'call_2', name: 'apply_patch', arguments: '*** Begin Patch' }],
      },
      { role: 'tool', text: 'Done!', toolCallId: 'call_2', calls: [] },
      {
        role: 'assistant',
        text: '',
        toolCallId: null,
        calls: [{ id: 'call_3', name: 'local_shell', arguments: '{"type":"exec","command":["pwd"]}' }],
      },
      { role: 'tool', text: '/repo', toolCallId: 'call_3', calls: [] },
      { role: 'user', text: 'Thanks', toolCallId: null, calls: [] },
    ],
  );
  assert.match(
    request.content,
    /<tool_call id="call_1" name="shell">\n\{"command":\["ls"\]\}\n<\/tool_call>/,
  );
  assert.match(request.content, /<message role="tool" tool_call_id="call_1">\na\.go\nb\.go\n<\/message>/);
  assert.doesNotMatch(request.content, /think|gAAA|opaque/);
});

test('a realistic Codex CLI body is accepted: store false, namespace tools, include, reasoning, text, client_metadata', () => {
  const body = {
    model: 'gpt-5-codex',
    instructions: 'You are Codex, a coding agent.',
    input: [
      {
        type: 'message',
        role: 'developer',
        content: [userText('<permissions instructions>sandbox: workspace-write</permissions instructions>')],
      },
      {
        type: 'message',
        role: 'user',
        content: [userText('<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>')],
      },
      { type: 'message', role: 'user', content: [userText('Fix the failing test')] },
      { type: 'reasoning', summary: [], content: null, encrypted_content: 'gAAAAB' },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Fixed it.' }],
        phase: 'final_answer',
      },
      { type: 'message', role: 'user', content: [userText('Now run it')] },
    ],
    tools: [
      {
        type: 'function',
        name: 'shell',
        description: 'Run a command',
        strict: false,
        parameters: { type: 'object', properties: {} },
      },
      {
        type: 'custom',
        name: 'apply_patch',
        description: 'Patch files',
        format: { type: 'grammar', syntax: 'lark', definition: 'start: x' },
      },
      { type: 'local_shell' },
      { type: 'web_search', external_web_access: false },
      {
        type: 'namespace',
        name: 'mcp__github',
        description: 'GitHub tools',
        tools: [{ type: 'function', name: 'search_issues', parameters: { type: 'object', properties: {} } }],
      },
    ],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '0199a7c1-thread',
    service_tier: 'auto',
    text: { verbosity: 'low' },
    client_metadata: { 'x-codex-installation-id': 'abc' },
  };
  const request = parseResponsesRequest(body);
  assert.equal(request.model, 'gpt-5-codex');
  assert.equal(request.stream, true);
  assert.equal(request.store, false);
  assert.equal(request.clientToolsIgnored, 5);
  assert.equal(request.parallelToolCalls, false);
  assert.equal(
    request.systemPrompt,
    'You are Codex, a coding agent.\n\n<permissions instructions>sandbox: workspace-write</permissions instructions>',
  );
  assert.deepEqual(
    request.messages.map((m) => m.role),
    ['developer', 'user', 'user', 'assistant', 'user'],
  );
  assert.match(request.content, /<cwd>\/repo<\/cwd>/);
  assert.match(request.content, /Now run it\n<\/message>\n<\/conversation>/);
});

test('client tools are refused with 400 `tools` when configured to reject', () => {
  const error = assertInvalid(
    () =>
      parseResponsesRequest(
        { input: 'hi', tools: [{ type: 'function', name: 'f' }] },
        { clientTools: 'reject' },
      ),
    'tools',
  );
  assert.equal(error.code, 'unsupported_parameter');
  assert.equal(
    parseResponsesRequest({ input: 'hi', tools: [] }, { clientTools: 'reject' }).clientToolsIgnored,
    0,
  );
});

test('a forced tool_choice is a 400 `tool_choice`; auto, none and allowed_tools in mode auto pass', () => {
  const forced: unknown[] = [
    'required',
    { type: 'function', name: 'shell' },
    { type: 'custom', name: 'apply_patch' },
    { type: 'web_search_preview' },
    { type: 'mcp', server_label: 'github' },
    { type: 'allowed_tools', mode: 'required', tools: [] },
  ];
  for (const toolChoice of forced) {
    const error = assertInvalid(
      () => parseResponsesRequest({ input: 'hi', tool_choice: toolChoice }),
      'tool_choice',
    );
    assert.equal(error.code, 'unsupported_parameter');
  }
  for (const toolChoice of ['auto', 'none', { type: 'allowed_tools', mode: 'auto', tools: [] }, null]) {
    parseResponsesRequest({ input: 'hi', tool_choice: toolChoice });
  }
  assertInvalid(() => parseResponsesRequest({ input: 'hi', tool_choice: 'sometimes' }), 'tool_choice');
  assertInvalid(
    () => parseResponsesRequest({ input: 'hi', tool_choice: { type: 'allowed_tools', mode: 'maybe' } }),
    'tool_choice.mode',
  );
});

test('parameters relaypool cannot honour are a 400 naming them', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ background: true }, 'background'],
    [{ audio: { voice: 'alloy' } }, 'audio'],
    [{ text: { format: { type: 'json_schema', name: 'x', schema: {} } } }, 'text.format'],
    [{ text: { format: { type: 'json_object' } } }, 'text.format'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
    [{ include: ['message.output_text.logprobs'] }, 'include'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
  ];
  for (const [extra, param] of cases) {
    const error = assertInvalid(() => parseResponsesRequest({ input: 'hi', ...extra }), param);
    assert.equal(error.code, 'unsupported_parameter', param);
  }
  parseResponsesRequest({
    input: 'hi',
    background: false,
    text: { format: { type: 'text' }, verbosity: 'high' },
    top_logprobs: 0,
  });
});

test('images, files and audio in input are a 400 naming the part', () => {
  const input = (part: unknown) => [
    { role: 'user', content: 'one' },
    { role: 'assistant', content: 'two' },
    { role: 'user', content: [part] },
  ];
  for (const part of [
    { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
    { type: 'input_file', file_id: 'file_1' },
    { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
  ]) {
    const error = assertInvalid(() => parseResponsesRequest({ input: input(part) }), 'input[2].content[0]');
    assert.equal(error.code, 'unsupported_parameter');
  }
  assertInvalid(
    () =>
      parseResponsesRequest({
        input: [
          { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'x' }] },
        ],
      }),
    'input[0].output[0]',
  );
});

test('malformed input is a 400 naming the exact field', () => {
  const cases: Array<[unknown, string | null]> = [
    [{}, 'input'],
    [{ input: 42 }, 'input'],
    [{ input: [] }, 'input'],
    [{ input: '   ' }, 'input'],
    [{ input: ['hi'] }, 'input[0]'],
    [{ input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    [{ input: [{ role: 'user' }] }, 'input[0].content'],
    [{ input: [{ type: 'banana' }] }, 'input[0].type'],
    [{ input: [{ id: 'msg_1' }] }, 'input[0]'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    [{ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    [{ input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] }, 'input[0].output'],
    [{ input: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 'input[0].content[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text'],
    [
      { input: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] },
      'input[0].content[0].type',
    ],
    [{ input: 'hi', model: '' }, 'model'],
    [{ input: 'hi', stream: 'yes' }, 'stream'],
    [{ input: 'hi', store: 'no' }, 'store'],
    [{ input: 'hi', metadata: { k: 1 } }, 'metadata.k'],
    [{ input: 'hi', tools: [{ name: 'no type' }] }, 'tools[0].type'],
    [{ input: 'hi', previous_response_id: '' }, 'previous_response_id'],
    ['not an object', null],
  ];
  for (const [body, param] of cases) assertInvalid(() => parseResponsesRequest(body), param);
});

test('error messages never echo the client text', () => {
  const error = assertInvalid(
    () =>
      parseResponsesRequest({
        input: [{ role: 'user', content: [{ type: 'secret-sauce', text: 'TOP SECRET' }] }],
      }),
    'input[0].content[0].type',
  );
  assert.doesNotMatch(error.message, /TOP SECRET|secret-sauce/);
});
