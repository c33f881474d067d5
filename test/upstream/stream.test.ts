import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import { createMonkeyCodeAdapter, type MonkeyCodeOptions } from '../../src/upstream/monkeycode/index.js';
import {
  acp,
  frame,
  ok,
  startMiniUpstream,
  waitForFrames,
  type MiniUpstream,
  type MiniUpstreamOptions,
  type SocketContext,
} from './support/mini-upstream.js';

const SESSION = '0b5e2f7a-3c1d-4e8b-9a2f-6d4c1b7e9f00';
const TASK = '3f2b8c1e-9d4a-4b7e-8f61-0c2d5e7a9b13';
const newTask = {
  kind: 'new-task' as const,
  modelId: 'model-1',
  content: 'Write a haiku',
  environmentId: 'image-1',
};
const followUp = (text: string) => ({ kind: 'follow-up' as const, taskId: TASK, text });

interface TaskServer {
  server: MiniUpstream;
  /** The stats `GET /tasks/{id}` reports (cumulative). */
  stats: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  status: string;
}

async function startTaskServer(
  onSocket: (ctx: SocketContext) => void,
  extra: Partial<MiniUpstreamOptions> = {},
): Promise<TaskServer> {
  const state: Omit<TaskServer, 'server'> = { stats: null, status: 'processing' };
  const server = await startMiniUpstream({
    routes: {
      'POST /api/v1/users/tasks': () => ok({ id: TASK, status: 'pending' }),
      [`GET /api/v1/users/tasks/${TASK}`]: () =>
        ok({
          id: TASK,
          status: state.status,
          virtualmachine: { status: 'online' },
          ...(state.stats ? { stats: state.stats } : {}),
        }),
    },
    onSocket,
    ...extra,
  });
  return Object.assign(state, { server });
}

function adapterFor(server: MiniUpstream, options: Partial<MonkeyCodeOptions> = {}) {
  return createMonkeyCodeAdapter({ baseUrl: server.url, pollIntervalMs: 5, ...options });
}

async function collect(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function lastError(events: UpstreamEvent[]) {
  const last = events.at(-1);
  assert.ok(
    last?.type === 'error',
    `expected a terminal error, got ${JSON.stringify(events.map((e) => e.type))}`,
  );
  return last;
}

const agentTurn = [
  frame('ping'),
  frame('cursor', { cursor: '3', has_more: true }),
  frame('user-input', { content: Buffer.from('Write a haiku').toString('base64'), attachments: [] }),
  frame('task-started', null, 'acp_event'),
  acp({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'Thinking.' } }),
  acp({
    sessionUpdate: 'tool_call',
    toolCallId: 'call_1',
    title: 'Read',
    kind: 'read',
    status: 'pending',
    rawInput: { path: 'a.txt' },
  }),
  acp({ sessionUpdate: 'tool_call_update', toolCallId: 'call_1', status: 'completed' }),
  acp({ sessionUpdate: 'usage_update', used: 3400, size: 200000 }),
  acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Hel' } }),
  acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'lo' } }),
  frame('task-event', { path: 'x' }, 'file-change'),
];

test('first turn: create → processing → attach → events → usage from stats → finish, then the client closes', async () => {
  const state: TaskServer = await startTaskServer((ctx) => {
    for (const line of agentTurn) ctx.ws.send(line);
    state.stats = { input_tokens: 1200, output_tokens: 80, total_tokens: 1280 };
    ctx.ws.send(frame('task-ended', null, 'acp_event'));
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask));
    assert.deepEqual(events, [
      { type: 'task-created', taskId: TASK },
      { type: 'task-ready', taskId: TASK },
      { type: 'turn-started', taskId: TASK },
      { type: 'reasoning', text: 'Thinking.' },
      {
        type: 'tool-activity',
        id: 'call_1',
        title: 'Read',
        kind: 'read',
        status: 'pending',
        inputSummary: 'a.txt',
      },
      {
        type: 'tool-activity',
        id: 'call_1',
        title: null,
        kind: null,
        status: 'completed',
        inputSummary: null,
      },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'answer-complete' },
      { type: 'usage', inputTokens: 1200, outputTokens: 80, totalTokens: 1280, estimated: false },
      { type: 'finish', taskId: TASK },
    ]);
    const socket = state.server.sockets[0];
    assert.ok(socket);
    assert.equal(socket.req.query.get('id'), TASK);
    assert.equal(socket.req.query.get('mode'), 'attach');
    assert.equal(socket.req.cookie, `monkeycode_ai_session=${SESSION}`);
    assert.deepEqual(await socket.closed, { code: 1000, byClient: true });
    assert.deepEqual(socket.received, [], 'nothing is sent on an attach socket');
  } finally {
    await state.server.close();
  }
});

test('follow-up turn: mode=new, exact user-input frame, echo, usage diff of cumulative stats', async () => {
  const state: TaskServer = await startTaskServer((ctx) => {
    void waitForFrames(ctx, 1).then(([input]) => {
      assert.equal(
        input,
        '{"type":"user-input","data":"eyJjb250ZW50IjoiYUdWc2JHOD0iLCJhdHRhY2htZW50cyI6W119"}',
      );
      ctx.ws.send(frame('user-input', { content: 'aGVsbG8=', attachments: [] }));
      ctx.ws.send(acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Hi!' } }));
      state.stats = { input_tokens: 1500, output_tokens: 90, total_tokens: 1590 };
      ctx.ws.send(frame('task-ended', null, 'acp_event'));
    });
  });
  state.stats = { input_tokens: 1200, output_tokens: 80, total_tokens: 1280 };
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, followUp('hello')));
    assert.deepEqual(events, [
      { type: 'task-resumed', taskId: TASK },
      { type: 'turn-started', taskId: TASK },
      { type: 'text', text: 'Hi!' },
      { type: 'answer-complete' },
      { type: 'usage', inputTokens: 300, outputTokens: 10, totalTokens: 310, estimated: false },
      { type: 'finish', taskId: TASK },
    ]);
    assert.equal(state.server.sockets[0]?.req.query.get('mode'), 'new');
    assert.deepEqual(await state.server.sockets[0]?.closed, { code: 1000, byClient: true });
  } finally {
    await state.server.close();
  }
});

test('usage is estimated when the task reports no stats', async () => {
  const state = await startTaskServer((ctx) => {
    ctx.ws.send(acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: '12345678' } }));
    ctx.ws.send(frame('task-ended'));
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask));
    assert.deepEqual(events.at(-2), {
      type: 'usage',
      inputTokens: 4,
      outputTokens: 2,
      totalTokens: 6,
      estimated: true,
    });
    assert.equal(events.at(-1)?.type, 'finish');
  } finally {
    await state.server.close();
  }
});

test('a socket dropped before task-ended is an error event, never a silent finish', async () => {
  const state = await startTaskServer((ctx) => {
    ctx.ws.send(frame('task-started', null, 'acp_event'));
    ctx.ws.send(
      acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'partial' } }),
      () => ctx.drop(),
    );
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask));
    assert.ok(events.some((e) => e.type === 'text' && e.text === 'partial'));
    assert.ok(
      !events.some((e) => e.type === 'answer-complete'),
      'an unfinished answer is never declared complete',
    );
    const error = lastError(events);
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
    assert.equal(error.taskId, TASK);
    assert.ok(!events.some((e) => e.type === 'finish'));
  } finally {
    await state.server.close();
  }
});

test('task-error and server error frames end the turn with task-failed; the client closes', async () => {
  const cases: Array<[string, RegExp]> = [
    [
      frame('task-error', { details: 'LLM quota exhausted' }, 'acp_event'),
      /agent error: LLM quota exhausted/,
    ],
    [frame('task-error', { error: 'agent crashed' }), /agent error: agent crashed/],
    [frame('error', 'failed to attach stream: boom'), /task stream error: failed to attach stream: boom/],
  ];
  for (const [line, message] of cases) {
    const state = await startTaskServer((ctx) => {
      ctx.ws.send(frame('task-started'));
      ctx.ws.send(line);
    });
    try {
      const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask));
      const error = lastError(events);
      assert.equal(error.kind, 'task-failed');
      assert.match(error.error.message, message);
      assert.deepEqual(await state.server.sockets[0]?.closed, { code: 1000, byClient: true });
    } finally {
      await state.server.close();
    }
  }
});

test('a stall (nothing but pings) ends the turn with a timeout error', async () => {
  let pinger: NodeJS.Timeout | undefined;
  const state = await startTaskServer((ctx) => {
    ctx.ws.send(frame('task-started'));
    pinger = setInterval(() => ctx.ws.send(frame('ping')), 10);
    void ctx.closed.then(() => clearInterval(pinger));
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask, { turnTimeoutMs: 120 }));
    const error = lastError(events);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.error.status, 504);
    assert.deepEqual(await state.server.sockets[0]?.closed, { code: 1000, byClient: true });
  } finally {
    clearInterval(pinger);
    await state.server.close();
  }
});

test('the ping watchdog drops a socket that goes completely silent', async () => {
  const state = await startTaskServer((ctx) => ctx.ws.send(frame('task-started')));
  try {
    const events = await collect(
      adapterFor(state.server, { socketIdleTimeoutMs: 80 }).runTurn(SESSION, newTask),
    );
    const error = lastError(events);
    assert.equal(error.kind, 'network');
    assert.match(error.error.message, /silent for 80 ms/);
  } finally {
    await state.server.close();
  }
});

test('abort mid-stream throws the reason and closes the socket; so does breaking out early', async () => {
  const state = await startTaskServer((ctx) => {
    ctx.ws.send(frame('task-started'));
    ctx.ws.send(acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'first' } }));
  });
  try {
    const adapter = adapterFor(state.server);
    const controller = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const event of adapter.runTurn(SESSION, newTask, { signal: controller.signal })) {
          if (event.type === 'text') controller.abort(new Error('client went away'));
        }
      })(),
      /client went away/,
    );
    assert.deepEqual(await state.server.sockets[0]?.closed, { code: 1000, byClient: true });
    for await (const event of adapter.runTurn(SESSION, newTask)) {
      if (event.type === 'text') break;
    }
    assert.deepEqual(await state.server.sockets[1]?.closed, { code: 1000, byClient: true });
  } finally {
    await state.server.close();
  }
});

test('a follow-up over 32 KiB once encoded is refused before anything is sent', async () => {
  const state = await startTaskServer(() => assert.fail('no socket expected'));
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, followUp('x'.repeat(40_000))));
    assert.deepEqual(
      events.map((event) => event.type),
      ['task-resumed', 'error'],
    );
    const error = lastError(events);
    assert.equal(error.kind, 'input-too-large');
    assert.equal(error.retryable, false);
    assert.equal(state.server.requests.length, 0);
  } finally {
    await state.server.close();
  }
});

test('agent questions are declined at once with request_id = toolCallId', async () => {
  const state = await startTaskServer((ctx) => {
    ctx.ws.send(frame('task-started'));
    const toolCall = {
      toolCallId: 'call_q',
      title: 'Question',
      status: 'pending',
      rawInput: { questions: [{ question: 'Which pipeline?', options: [{ label: 'full' }] }] },
    };
    ctx.ws.send(frame('task-running', { toolCall }, 'acp_ask_user_question'));
    void waitForFrames(ctx, 1).then(() => {
      ctx.ws.send(
        acp({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'OK, defaulting.' } }),
      );
      ctx.ws.send(frame('task-ended'));
    });
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, newTask));
    assert.equal(events.at(-1)?.type, 'finish');
    assert.ok(events.some((e) => e.type === 'tool-activity' && e.id === 'call_q' && e.kind === 'question'));
    const reply = JSON.parse(state.server.sockets[0]?.received[0] ?? '{}') as { type: string; data: string };
    assert.equal(reply.type, 'reply-question');
    assert.deepEqual(JSON.parse(Buffer.from(reply.data, 'base64').toString('utf8')), {
      request_id: 'call_q',
      answers_json: '{}',
      cancelled: true,
    });
  } finally {
    await state.server.close();
  }
});

test('a refused handshake is explained through the REST API (401 → session-expired)', async () => {
  const state = await startTaskServer(() => {}, {
    rejectUpgrade: () => 401,
    routes: {
      [`GET /api/v1/users/tasks/${TASK}`]: () => ({ status: 401, body: 'Unauthorized' }),
    },
  });
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, followUp('hi')));
    assert.equal(lastError(events).kind, 'session-expired');
  } finally {
    await state.server.close();
  }
});

test('a follow-up on a finished task fails fast without a socket', async () => {
  const state = await startTaskServer(() => assert.fail('no socket expected'));
  state.status = 'finished';
  try {
    const events = await collect(adapterFor(state.server).runTurn(SESSION, followUp('hi')));
    const error = lastError(events);
    assert.equal(error.kind, 'task-failed');
    assert.equal(state.server.sockets.length, 0);
  } finally {
    await state.server.close();
  }
});
