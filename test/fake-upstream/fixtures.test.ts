import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { agentFromFixture, FIXTURE_DIR } from './agent/fixture-agent.js';
import { assistantText } from './spec-acp.js';
import { decodeData, fromB64, isCanonicalB64 } from './spec-base64.js';
import type { SpecFrame } from './spec-stream.js';
import { basicTask, setup } from './test-setup.js';

const frameSchema = z
  .object({
    type: z.string(),
    data: z.string().nullable(),
    kind: z.string(),
    seq: z.number().int().positive().optional(),
    timestamp: z.number().int().nonnegative(),
  })
  .strict();

/** Reads a fixture as the spec client would see its frames. */
function read(name: string): SpecFrame[] {
  return readFileSync(join(FIXTURE_DIR, `${name}.frames.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((raw) => {
      const json: unknown = JSON.parse(raw);
      const f = frameSchema.parse(json);
      const keys = typeof json === 'object' && json !== null ? Object.keys(json) : [];
      return {
        raw,
        type: f.type,
        kind: f.kind,
        seq: f.seq,
        timestamp: f.timestamp,
        data: f.data,
        decoded: decodeData(f.data),
        keys,
      };
    });
}

const EXPECTED_TEXT: Record<string, string> = {
  'simple-turn': 'Hello! How can I help you today?',
  'tools-and-thoughts': 'The panic came from a nil map. I initialized it in `main.go`.',
  'attach-idle': 'Added tests in main_test.go; all pass.',
  'task-error': 'Partial answer',
  'no-vm-error': '',
  'unknown-variants': 'Done.',
  'ask-question': 'Before I start: Setting up the full pipeline.',
};

const SPEC_LINES = [
  '{"type":"ping","data":null,"kind":"","timestamp":0}',
  '{"type":"user-input","data":"eyJjb250ZW50IjoiYUdWc2JHOD0iLCJhdHRhY2htZW50cyI6W119","kind":"","timestamp":1752000000050}',
  '{"type":"task-started","data":null,"kind":"acp_event","timestamp":1752000000300}',
  '{"type":"task-running","data":"eyJzZXNzaW9uSWQiOiJzZXNfMSIsInVwZGF0ZSI6eyJzZXNzaW9uVXBkYXRlIjoiYWdlbnRfbWVzc2FnZV9jaHVuayIsImNvbnRlbnQiOnsidHlwZSI6InRleHQiLCJ0ZXh0IjoiSGVsbG8ifX19","kind":"acp_event","seq":7,"timestamp":1752000001200}',
  '{"type":"task-ended","data":null,"kind":"acp_event","timestamp":1752000009000}',
  '{"type":"error","data":"Im5vIHZpcnR1YWwgbWFjaGluZSBvciBob3N0IGZvciB0YXNrIg==","kind":"","timestamp":0}',
  '{"type":"cursor","data":"eyJjdXJzb3IiOiIzIiwiaGFzX21vcmUiOnRydWV9","kind":"","timestamp":1752000000000}',
];

describe('recorded-frame fixtures', () => {
  const names = readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.frames.jsonl'))
    .map((f) => f.replace('.frames.jsonl', ''));

  test('every fixture is listed here and every line is an exact wire frame', () => {
    assert.deepEqual([...names].sort(), Object.keys(EXPECTED_TEXT).sort());
    for (const name of names) {
      for (const f of read(name)) {
        assert.deepEqual(
          f.keys,
          f.seq === undefined
            ? ['type', 'data', 'kind', 'timestamp']
            : ['type', 'data', 'kind', 'seq', 'timestamp'],
          `${name}: ${f.raw}`,
        );
        assert.equal(f.raw, JSON.stringify(JSON.parse(f.raw)), 'compact JSON');
        assert.ok(f.data === null || isCanonicalB64(f.data), `${name}: canonical base64`);
        assert.equal(
          f.timestamp === 0,
          f.type === 'ping' || f.type === 'error',
          `${name}: ${f.type} timestamp`,
        );
        if (f.seq !== undefined) assert.equal(f.type, 'task-running');
      }
    }
  });

  test('docs/monkeycode-protocol.md §5.4 example frames appear verbatim', () => {
    const all = names.flatMap((n) => read(n).map((f) => f.raw));
    for (const line of SPEC_LINES) assert.ok(all.includes(line), line);
    assert.equal(
      JSON.parse(fromB64(read('no-vm-error')[0]?.data ?? '')),
      'no virtual machine or host for task',
    );
  });

  test('assistant text per fixture', () => {
    for (const name of names) assert.equal(assistantText(read(name)), EXPECTED_TEXT[name], name);
  });

  for (const name of [
    'simple-turn',
    'tools-and-thoughts',
    'task-error',
    'unknown-variants',
    'ask-question',
  ]) {
    test(`the fake plays ${name} as a turn script, frame for frame`, async (t) => {
      const { fake, client } = await setup(t);
      const id = await client.createTaskId(basicTask('setup'));
      await fake.waitForTurnEnd(id, 1);
      fake.setAgent(agentFromFixture(name));
      const fixture = read(name).filter((f) => f.type !== 'ping');
      const input = fixture[0];
      assert.equal(input?.type, 'user-input');
      const s = await client.stream(id, 'new');
      s.sendRaw(JSON.stringify({ type: 'user-input', data: input.data }));
      const got: SpecFrame[] = [];
      for (;;) {
        const f = await s.next();
        got.push(f);
        if (f.kind === 'acp_ask_user_question')
          s.send('reply-question', {
            request_id: 'q1',
            answers_json: '{"Which pipeline?":"full"}',
            cancelled: false,
          });
        if (f.type === 'task-ended') break;
      }
      const strip = (f: SpecFrame) => ({ type: f.type, kind: f.kind, seq: f.seq, data: f.data });
      assert.deepEqual(got.map(strip), fixture.map(strip));
      await s.close();
    });
  }
});
