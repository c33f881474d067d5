import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mapAcpNotification,
  mapAskUserQuestion,
  summarizeInput,
} from '../../src/upstream/monkeycode/acp-events.js';
import { interpretFrame } from '../../src/upstream/monkeycode/frame-actions.js';
import { parseWireFrame } from '../../src/upstream/monkeycode/frame-codec.js';

const note = (update: Record<string, unknown>) => ({ sessionId: 'ses_1', update });

test('message and thought chunks become text and reasoning', () => {
  assert.deepEqual(
    mapAcpNotification(
      note({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Hello' } }),
    ).events,
    [{ type: 'text', text: 'Hello' }],
  );
  assert.deepEqual(
    mapAcpNotification({
      update: { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } },
    }).events,
    [{ type: 'reasoning', text: 'hmm' }],
  );
  assert.deepEqual(
    mapAcpNotification(
      note({
        sessionUpdate: 'agent_message_chunk',
        content: { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      }),
    ).events,
    [],
  );
});

test('tool calls and updates become tool-activity with a short input summary', () => {
  const start = mapAcpNotification(
    note({
      sessionUpdate: 'tool_call',
      toolCallId: 'call_1',
      title: 'Read',
      kind: 'read',
      status: 'pending',
      rawInput: { path: 'src/main.go' },
    }),
  );
  assert.deepEqual(start, {
    events: [
      {
        type: 'tool-activity',
        id: 'call_1',
        title: 'Read',
        kind: 'read',
        status: 'pending',
        inputSummary: 'src/main.go',
      },
    ],
    questionId: null,
  });
  const update = mapAcpNotification(
    note({
      sessionUpdate: 'tool_call_update',
      toolCallId: 'call_1',
      status: 'completed',
      rawOutput: { output: 'package main' },
    }),
  );
  assert.deepEqual(update.events, [
    { type: 'tool-activity', id: 'call_1', title: null, kind: null, status: 'completed', inputSummary: null },
  ]);
  assert.equal(summarizeInput({ command: 'ls   -la\n/tmp' }), 'ls -la /tmp');
  assert.equal(summarizeInput({ a: 'x'.repeat(500) })?.length, 160);
  assert.equal(summarizeInput({}), null);
});

test('usage_update (context occupancy), plan and unknown variants produce nothing', () => {
  for (const update of [
    { sessionUpdate: 'usage_update', used: 3400, size: 200000 },
    { sessionUpdate: 'plan', entries: [] },
    { sessionUpdate: 'available_commands_update', availableCommands: [] },
    { sessionUpdate: 'something_new', x: 1 },
  ]) {
    assert.deepEqual(
      mapAcpNotification(note(update)),
      { events: [], questionId: null },
      update.sessionUpdate,
    );
  }
  assert.deepEqual(mapAcpNotification({ type: 'agent_message_chunk', text: 'flat WU shape' }).events, []);
});

test('questions: acp_ask_user_question kind, or an open tool_call with rawInput.questions', () => {
  const ask = mapAskUserQuestion({
    toolCall: {
      toolCallId: 'q1',
      title: 'Question',
      status: 'pending',
      rawInput: { questions: [{ question: 'Which?', options: [] }] },
    },
  });
  assert.equal(ask?.questionId, 'q1');
  assert.equal(ask?.activity.kind, 'question');
  const viaTool = mapAcpNotification(
    note({
      sessionUpdate: 'tool_call',
      toolCallId: 'q2',
      title: 'question',
      rawInput: { questions: [{ question: 'Go?' }] },
    }),
  );
  assert.equal(viaTool.questionId, 'q2');
  const viaMeta = mapAcpNotification(
    note({
      sessionUpdate: 'tool_call',
      toolCallId: 'q3',
      _meta: { askUserQuestion: { questions: [{ question: 'Go?' }] } },
    }),
  );
  assert.equal(viaMeta.questionId, 'q3');
  const done = mapAcpNotification(
    note({
      sessionUpdate: 'tool_call_update',
      toolCallId: 'q2',
      status: 'completed',
      rawInput: { questions: [{}] },
    }),
  );
  assert.equal(done.questionId, null);
});

test('frame actions (docs/monkeycode-protocol.md §5.4): lifecycle, errors, ignorable frames', () => {
  const act = (line: string) => {
    const frame = parseWireFrame(line);
    assert.ok(frame);
    return interpretFrame(frame);
  };
  assert.equal(act('{"type":"ping","data":null,"kind":"","timestamp":0}').type, 'ping');
  assert.equal(
    act(
      '{"type":"user-input","data":"eyJjb250ZW50IjoiYUdWc2JHOD0iLCJhdHRhY2htZW50cyI6W119","kind":"","timestamp":1}',
    ).type,
    'started',
  );
  assert.equal(act('{"type":"task-started","data":null,"kind":"acp_event","timestamp":1}').type, 'started');
  assert.equal(act('{"type":"task-ended","data":null,"kind":"acp_event","timestamp":1}').type, 'ended');
  assert.equal(
    act('{"type":"cursor","data":"eyJjdXJzb3IiOiIzIiwiaGFzX21vcmUiOnRydWV9","kind":"","timestamp":1}').type,
    'ignore',
  );
  assert.equal(act('{"type":"task-event","data":null,"kind":"file-change","timestamp":1}').type, 'ignore');
  assert.equal(act('{"type":"brand-new","data":null,"kind":"","timestamp":1}').type, 'ignore');
  const serverError = act(
    '{"type":"error","data":"Im5vIHZpcnR1YWwgbWFjaGluZSBvciBob3N0IGZvciB0YXNrIg==","kind":"","timestamp":0}',
  );
  assert.ok(serverError.type === 'failed');
  assert.equal(serverError.error.kind, 'task-failed');
  assert.match(serverError.error.message, /no virtual machine or host for task/);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  for (const [payload, text] of [
    [{ details: 'LLM quota exhausted' }, 'LLM quota exhausted'],
    [{ error: 'agent crashed' }, 'agent crashed'],
  ] as const) {
    const taskError = act(
      JSON.stringify({ type: 'task-error', data: b64(payload), kind: 'acp_event', timestamp: 1 }),
    );
    assert.ok(taskError.type === 'failed');
    assert.match(taskError.error.message, new RegExp(text));
  }
});
