import type { FakeUpstream } from '../fake-upstream/index.js';

interface AcpChunk {
  update?: { sessionUpdate?: unknown; content?: { type?: unknown; text?: unknown } };
}

/**
 * The assistant text of one turn as the fake logged it (its `agent_message_chunk` frames, protocol
 * docs/monkeycode-protocol.md §6.2), read from the fake's own record: what a client relaying that turn must have received.
 */
export function recordedAnswer(fake: FakeUpstream, taskId: string, turnNumber: number): string {
  const turn = fake.state.tasks.get(taskId)?.turns.find((t) => t.number === turnNumber);
  if (turn === undefined) throw new Error(`the fake has no turn ${turnNumber} on task ${taskId}`);
  let text = '';
  for (const { frame } of turn.frames) {
    if (frame.type !== 'task-running' || frame.kind !== 'acp_event' || typeof frame.data !== 'string')
      continue;
    const body = JSON.parse(Buffer.from(frame.data, 'base64').toString('utf8')) as AcpChunk;
    const update = body.update;
    if (
      update?.sessionUpdate === 'agent_message_chunk' &&
      update.content?.type === 'text' &&
      typeof update.content.text === 'string'
    ) {
      text += update.content.text;
    }
  }
  return text;
}

/** The number of the last turn the fake ran on a task. */
export function lastTurnNumber(fake: FakeUpstream, taskId: string): number {
  const turn = fake.state.tasks.get(taskId)?.turns.at(-1);
  if (turn === undefined) throw new Error(`the fake ran no turn on task ${taskId}`);
  return turn.number;
}
