import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import { isUpstreamFailure } from '../../src/upstream/errors.js';
import { parseEnvelope } from '../../src/upstream/monkeycode/envelope.js';
import { interpretFrame } from '../../src/upstream/monkeycode/frame-actions.js';
import { parseWireFrame } from '../../src/upstream/monkeycode/frame-codec.js';
import { taskSchema } from '../../src/upstream/monkeycode/tasks.js';
import { fuzzRuns } from './fuzz-runs.js';

// Malformed upstream answers (docs/monkeycode-protocol.md §1 envelopes, docs/monkeycode-protocol.md §5.2 frames) never crash the client: a REST
// answer becomes data or a classified UpstreamFailure; a frame becomes an action or is skipped.

// JSON.stringify(undefined) is undefined: such a value is sent as the text `null`.
const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'), 'utf8').toString(
    'base64',
  );

const acpUpdate = fc.record(
  {
    sessionUpdate: fc.oneof(
      fc.constantFrom(
        'agent_message_chunk',
        'agent_thought_chunk',
        'tool_call',
        'tool_call_update',
        'plan',
        'usage_update',
      ),
      fc.string(),
    ),
    content: fc.oneof(
      fc.record({
        type: fc.oneof(fc.constant('text'), fc.string()),
        text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      }),
      fc.anything(),
    ),
    toolCallId: fc.oneof(fc.string(), fc.integer()),
    status: fc.anything(),
    rawInput: fc.anything(),
    rawOutput: fc.anything(),
  },
  { requiredKeys: [] },
);

/** Frames near the real ones: right envelope, wrong insides; truncated; wrong types; oversize. */
const frameText = fc.oneof(
  fc
    .record({
      type: fc.oneof(
        fc.constantFrom(
          'ping',
          'user-input',
          'task-started',
          'task-running',
          'task-ended',
          'task-error',
          'error',
          'cursor',
          'reply-question',
        ),
        fc.string(),
      ),
      data: fc.oneof(
        fc.constant(null),
        acpUpdate.map((update) => b64({ sessionId: 's', update })),
        fc.anything().map(b64),
        fc.string(),
        fc.anything(),
      ),
      kind: fc.oneof(fc.constantFrom('acp_event', 'acp_ask_user_question', ''), fc.anything()),
      seq: fc.oneof(fc.integer(), fc.string(), fc.constant(undefined)),
      timestamp: fc.oneof(fc.integer(), fc.double(), fc.string()),
    })
    .map((frame) => JSON.stringify(frame)),
  fc.string(),
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 3))),
  fc.constantFrom(
    '<html><body>502 Bad Gateway</body></html>',
    '{"type":"task-running","data":"!!!not base64!!!","kind":"acp_event"}',
    '{"type":"task-running","data":"e30","kind":"acp_event"}',
    'null',
    '[]',
    '{}',
  ),
  fc.integer({ min: 64 * 1024, max: 512 * 1024 }).map((size) =>
    JSON.stringify({
      type: 'task-running',
      kind: 'acp_event',
      data: b64({
        update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'x'.repeat(size) } },
      }),
    }),
  ),
);

test('task-stream frames: any text decodes to an action or is skipped, never a throw', () => {
  fc.assert(
    fc.property(frameText, (raw) => {
      const frame = parseWireFrame(raw);
      if (frame === null) return;
      const action = interpretFrame(frame);
      assert.ok(['ignore', 'ping', 'started', 'events', 'ended', 'failed'].includes(action.type));
      if (action.type === 'events')
        for (const e of action.events) assert.ok(e.type !== 'text' || typeof e.text === 'string');
      if (action.type === 'failed') assert.ok(isUpstreamFailure(action.error));
    }),
    fuzzRuns(300),
  );
});

const restBody = fc.oneof(
  fc
    .record(
      {
        code: fc.oneof(fc.integer(), fc.constant(0), fc.string()),
        message: fc.anything(),
        data: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      code: fc.constant(0),
      data: fc.record(
        { id: fc.anything(), status: fc.anything(), virtualmachine: fc.anything(), stats: fc.anything() },
        { requiredKeys: [] },
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc.json().map((text) => text.slice(0, Math.floor(text.length / 2))),
  fc.constantFrom(
    '<!DOCTYPE html><html><title>Login</title></html>',
    'Unauthorized',
    '',
    '<html><body><h1>502</h1></body></html>',
  ),
  fc.string(),
);

test('REST answers: any status, type and body becomes data or a classified UpstreamFailure', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(200, 201, 400, 401, 403, 404, 429, 500, 502, 503, 504),
      fc.constantFrom('application/json', 'text/html; charset=utf-8', 'text/plain', ''),
      restBody,
      (status, contentType, body) => {
        try {
          parseEnvelope({ status, contentType, body }, taskSchema, 'get task');
          assert.ok(status >= 200 && status < 300, 'data only from a 2xx');
        } catch (err) {
          assert.ok(isUpstreamFailure(err), `classified: ${String(err)}`);
          assert.equal(typeof err.kind, 'string');
        }
      },
    ),
    fuzzRuns(300),
  );
  assert.throws(
    () =>
      parseEnvelope(
        { status: 200, contentType: 'application/json', body: '{"code":0,"data":{"id":5}}' },
        z.object({ id: z.string() }),
        'x',
      ),
    (err: unknown) => isUpstreamFailure(err) && err.kind === 'protocol',
  );
});
