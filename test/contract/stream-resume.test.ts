import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { AgentStep } from '../fake-upstream/index.js';
import { steps } from '../fake-upstream/index.js';
import type { TaskRecord } from '../fake-upstream/types.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { lastTurnNumber, recordedAnswer } from '../support/turn-record.js';

// Transparent resume (docs/monkeycode-protocol.md §5.7: reconnect with mode=attach, dedupe the replay): a task socket
// that ends without task-ended while the task lives is reattached, and the client sees one stream.

/** A turn long enough that a socket dropped early leaves live output to read after reattaching. */
function longTurn(words: string[]): AgentStep[] {
  const out: AgentStep[] = [steps.started(), steps.thoughtChunk('planning the answer')];
  for (const [i, word] of words.entries()) {
    out.push(steps.messageChunk(i === 0 ? word : ` ${word}`));
    if (i === 1) out.push(steps.toolCall('call_r', 'Read', 'read', { path: 'a.txt' }), steps.delay(80));
  }
  out.push(steps.toolCallUpdate('call_r', 'completed', { output: 'ok' }), steps.ended());
  return out;
}

const WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];

function lastTask(h: Harness): TaskRecord {
  const task = [...h.fake.state.tasks.values()].at(-1);
  assert.ok(task, 'a task exists');
  return task;
}

function handshakes(h: Harness, taskId: string): string[] {
  return h.fake.requests.flatMap((r) =>
    r.kind === 'ws-handshake' && r.query.id === taskId ? [String(r.query.mode)] : [],
  );
}

async function streamChat(h: Harness, content: string): Promise<{ text: string; finishes: string[] }> {
  const stream = await h.client.chat.completions.create({
    model: h.model,
    stream: true,
    messages: [{ role: 'user', content }],
  });
  let text = '';
  const finishes: string[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    text += choice?.delta.content ?? '';
    if (choice?.finish_reason) finishes.push(choice.finish_reason);
  }
  return { text, finishes };
}

async function resumeCount(h: Harness): Promise<number> {
  const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
  const match = /^relaypool_stream_resumes_total (\d+)/m.exec(metrics);
  return match ? Number(match[1]) : 0;
}

describe('transparent resume of a dropped task stream', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      fake: { pingIntervalMs: 50 },
      env: { RELAYPOOL_UPSTREAM_SOCKET_IDLE_TIMEOUT_MS: '400', RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS: '5000' },
    });
  });
  after(() => h.close());

  test('chat stream, first turn: a socket dropped mid-answer is reattached; the client gets the whole answer once', async () => {
    const before = await resumeCount(h);
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.dropSocketAfterFrames(4, 'attach');
    const { text, finishes } = await streamChat(h, 'count for me');
    const task = lastTask(h);
    assert.equal(text, recordedAnswer(h.fake, task.id, 1));
    assert.equal(text, WORDS.join(' '));
    assert.deepEqual(finishes, ['stop']);
    assert.deepEqual(handshakes(h, task.id), ['attach', 'attach']);
    assert.equal((await resumeCount(h)) - before, 1);
    assert.match(h.logs(), /task stream reattached/);
    await h.allTasksStopped();
  });

  test('replays that merge chunks (docs/monkeycode-protocol.md §5.5 attach step 3) are deduplicated by position, not by frame', async () => {
    h.fake.options.mergeReplayChunks = true;
    try {
      h.fake.faults.nextTurn(() => longTurn(WORDS));
      h.fake.faults.dropSocketAfterFrames(5, 'attach');
      const { text, finishes } = await streamChat(h, 'merged replay');
      assert.equal(text, recordedAnswer(h.fake, lastTask(h).id, 1));
      assert.deepEqual(finishes, ['stop']);
    } finally {
      h.fake.options.mergeReplayChunks = false;
    }
    await h.allTasksStopped();
  });

  test('ping silence (docs/monkeycode-protocol.md §5.7 dead-socket signal) is resumed like a drop', async () => {
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.stallSocketAfterFrames(4);
    const { text, finishes } = await streamChat(h, 'silent socket');
    assert.equal(text, WORDS.join(' '));
    assert.deepEqual(finishes, ['stop']);
    await h.allTasksStopped();
  });

  test('non-stream follow-up turn: the mode=new socket drops after the echo; reattached with mode=attach, never new', async () => {
    const messages = [{ role: 'user' as const, content: 'first' }];
    const first = await h.client.chat.completions.create({ model: h.model, messages });
    const task = lastTask(h);
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.dropSocketAfterFrames(3, 'new');
    const second = await h.client.chat.completions.create({
      model: h.model,
      messages: [
        ...messages,
        { role: 'assistant', content: first.choices[0]?.message.content ?? '' },
        { role: 'user', content: 'again' },
      ],
    });
    assert.equal(lastTask(h).id, task.id, 'the follow-up ran on the kept task');
    assert.equal(second.choices[0]?.message.content, recordedAnswer(h.fake, task.id, 2));
    assert.equal(second.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(handshakes(h, task.id), ['attach', 'new', 'attach']);
    assert.equal(task.turns.length, 2, 'no turn was sent twice');
  });

  test('Responses stream: dropped and resumed, one response.completed with the whole text', async () => {
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.dropSocketAfterFrames(4, 'attach');
    const stream = h.client.responses.stream({ model: h.model, input: 'responses resume' });
    let deltas = '';
    let completed = 0;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed') completed++;
    }
    const final = await stream.finalResponse();
    const task = lastTask(h);
    assert.equal(deltas, recordedAnswer(h.fake, task.id, lastTurnNumber(h.fake, task.id)));
    assert.equal(final.output_text, deltas);
    assert.equal(completed, 1);
  });

  test('a dropped socket whose VM died is not resumed: one error frame, as before', async () => {
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.breakNextStream({ afterFrames: 4, action: 'drop', mode: 'attach', killVm: true });
    const before = await resumeCount(h);
    await assert.rejects(streamChat(h, 'vm dies'), (err: unknown) => err instanceof OpenAI.APIError);
    assert.equal(await resumeCount(h), before);
    assert.deepEqual(handshakes(h, lastTask(h).id), ['attach']);
  });
});

describe('resume bounds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { RELAYPOOL_UPSTREAM_MAX_REATTACHES: '1' } });
  });
  after(() => h.close());

  test('upstream.maxReattaches bounds the reattaches of one turn; then one error frame', async () => {
    h.fake.faults.nextTurn(() => longTurn(WORDS));
    h.fake.faults.dropSocketAfterFrames(3, 'attach');
    h.fake.faults.dropSocketAfterFrames(3, 'attach');
    await assert.rejects(streamChat(h, 'drop twice'), (err: unknown) => err instanceof OpenAI.APIError);
    assert.deepEqual(handshakes(h, lastTask(h).id), ['attach', 'attach']);
    await h.allTasksStopped();
  });
});
