/**
 * The shared recorded frames (`test/fixtures/monkeycode/*.frames.jsonl`, one wire frame per line)
 * replayed over a real socket into the adapter, and the resulting events folded into a summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { createMonkeyCodeAdapter } from '../../src/upstream/monkeycode/index.js';
import { ok, startMiniUpstream } from './support/mini-upstream.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'monkeycode');
const TASK = '3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13';
const SESSION = '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00';

interface Summary {
  text: string;
  reasoning: string;
  tools: string[];
  end: string;
}

const EXPECTED: Record<string, Summary> = {
  'simple-turn': { text: 'Hello! How can I help you today?', reasoning: '', tools: [], end: 'finish' },
  'attach-idle': {
    text: 'Added tests in main_test.go; all pass.',
    reasoning: 'Write a table-driven test.',
    tools: [],
    end: 'finish',
  },
  'tools-and-thoughts': {
    text: 'The panic came from a nil map. I initialized it in `main.go`.',
    reasoning: 'Need to read main.go first.',
    tools: [
      'call_1:pending',
      'call_1:in_progress',
      'call_1:completed',
      'call_2:pending',
      'call_2:completed',
      'call_3:completed',
      'call_4:failed',
    ],
    end: 'finish',
  },
  'task-error': {
    text: 'Partial answer',
    reasoning: '',
    tools: [],
    end: 'task-failed: agent error: upstream model error: 429 Too Many Requests',
  },
  'no-vm-error': {
    text: '',
    reasoning: '',
    tools: [],
    end: 'task-failed: task stream error: no virtual machine or host for task',
  },
  'ask-question': {
    text: 'Before I start: Setting up the full pipeline.',
    reasoning: '',
    tools: ['q1:pending'],
    end: 'finish',
  },
  'unknown-variants': { text: 'Done.', reasoning: '', tools: [], end: 'finish' },
};

function summarize(events: UpstreamEvent[]): Summary {
  const summary: Summary = { text: '', reasoning: '', tools: [], end: 'none' };
  for (const event of events) {
    if (event.type === 'text') summary.text += event.text;
    else if (event.type === 'reasoning') summary.reasoning += event.text;
    else if (event.type === 'tool-activity') summary.tools.push(`${event.id}:${event.status}`);
    else if (event.type === 'finish') summary.end = 'finish';
    else if (event.type === 'error') summary.end = `${event.kind}: ${event.error.message}`;
  }
  return summary;
}

const fixtures = existsSync(DIR) ? readdirSync(DIR).filter((name) => name.endsWith('.frames.jsonl')) : [];

test(
  'recorded fixtures are present',
  { skip: fixtures.length === 0 ? 'no fixtures recorded yet' : false },
  () => {
    for (const name of Object.keys(EXPECTED)) assert.ok(fixtures.includes(`${name}.frames.jsonl`), name);
  },
);

for (const file of fixtures) {
  const name = file.replace('.frames.jsonl', '');
  const expected = EXPECTED[name];
  test(
    `fixture ${name} replays into the expected events`,
    { skip: expected ? false : 'no expectation for this fixture' },
    async () => {
      const lines = readFileSync(join(DIR, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      const server = await startMiniUpstream({
        routes: {
          'POST /api/v1/users/tasks': () => ok({ id: TASK, status: 'pending' }),
          [`GET /api/v1/users/tasks/${TASK}`]: () => ok({ id: TASK, status: 'processing' }),
        },
        onSocket: (ctx) => {
          for (const line of lines) ctx.ws.send(line);
        },
      });
      try {
        const adapter = createMonkeyCodeAdapter({ baseUrl: server.url, pollIntervalMs: 5 });
        const events: UpstreamEvent[] = [];
        for await (const event of adapter.runTurn(SESSION, {
          kind: 'new-task',
          modelId: 'm',
          content: 'c',
          environmentId: 'i',
        }))
          events.push(event);
        assert.deepEqual(summarize(events), expected);
        const terminal = events.filter((e) => e.type === 'finish' || e.type === 'error');
        assert.equal(terminal.length, 1, 'exactly one terminal event');
        assert.equal(events.at(-1), terminal[0], 'terminal event last');
        assert.deepEqual(await server.sockets[0]?.closed, { code: 1000, byClient: true });
      } finally {
        await server.close();
      }
    },
  );
}
