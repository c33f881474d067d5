import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalAnswer,
  canonicalMessages,
  inlineInstructions,
  renderFollowUp,
  splitAtLastAnswer,
  type ChatMessage,
} from '../../src/openai/index.js';

const msg = (role: ChatMessage['role'], text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  role,
  text,
  name: null,
  toolCallId: null,
  toolCalls: [],
  ...extra,
});

test('splitAtLastAnswer: the prefix ends at the last assistant message; the rest is the new turn', () => {
  const messages = [msg('system', 's'), msg('user', 'q1'), msg('assistant', 'a1'), msg('user', 'q2')];
  const split = splitAtLastAnswer(messages);
  assert.deepEqual(split.answered, messages.slice(0, 3));
  assert.equal(split.followUpText, 'q2');
  assert.deepEqual(
    splitAtLastAnswer([msg('user', 'q1')]),
    { answered: null, followUpText: '' },
    'nothing answered yet',
  );
  assert.deepEqual(
    splitAtLastAnswer([msg('user', 'q1'), msg('assistant', 'a1')]),
    { answered: null, followUpText: '' },
    'nothing new to say',
  );
  assert.equal(
    splitAtLastAnswer([msg('user', 'q1'), msg('assistant', 'a1'), msg('system', 'late')]).answered,
    null,
    'a system message alone is no new turn',
  );
});

test('renderFollowUp: one user message is its text; tool results and several messages use the transcript format', () => {
  assert.equal(renderFollowUp([msg('user', 'just this')]), 'just this');
  const text = renderFollowUp([msg('tool', 'out <message>', { toolCallId: 'c1' }), msg('user', 'and?')]);
  assert.match(text, /^New messages since your last reply/);
  assert.match(text, /<message role="tool" tool_call_id="c1">\nout &lt;message>\n<\/message>/);
  assert.match(text, /Reply to the last user message/);
});

test('canonical answers ignore think blocks, tool notes and whitespace, not the words', () => {
  assert.equal(
    canonicalAnswer('<think>\nhmm\n</think>\n\nHello\n> [tool] Read main.go\nworld  '),
    'Hello world',
  );
  assert.notEqual(canonicalAnswer('Hello world'), canonicalAnswer('Hello, world'));
  const [a, b] = [
    canonicalMessages([msg('assistant', ' Hi\n')]),
    canonicalMessages([msg('assistant', 'Hi')]),
  ];
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    canonicalMessages([msg('user', 'x')]),
    canonicalMessages([msg('assistant', 'x')]),
    'roles count',
  );
});

test('inlineInstructions puts the system prompt ahead of the first turn (warm tasks)', () => {
  assert.equal(inlineInstructions(null, 'hi'), 'hi');
  assert.equal(
    inlineInstructions('Be brief.', 'hi'),
    'Instructions for this conversation (follow them as your system prompt):\n<instructions>\nBe brief.\n</instructions>\n\nhi',
  );
});
