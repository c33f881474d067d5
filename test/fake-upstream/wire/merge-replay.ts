import { b64json } from './base64.js';
import { makeFrame, type WireFrame } from './frames.js';

interface MessageChunk {
  sessionId?: unknown;
  text: string;
}

/** The text of an `agent_message_chunk` frame, or null for any other frame. */
function chunkOf(frame: WireFrame): MessageChunk | null {
  if (frame.type !== 'task-running' || frame.kind !== 'acp_event' || frame.data === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(frame.data, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const update: unknown = Reflect.get(body, 'update');
  if (
    typeof update !== 'object' ||
    update === null ||
    Reflect.get(update, 'sessionUpdate') !== 'agent_message_chunk'
  )
    return null;
  const content: unknown = Reflect.get(update, 'content');
  const text: unknown =
    typeof content === 'object' && content !== null ? Reflect.get(content, 'text') : undefined;
  return typeof text === 'string' ? { sessionId: Reflect.get(body, 'sessionId'), text } : null;
}

/**
 * docs/monkeycode-protocol.md §5.5 attach step 3: "Replayed chunks may be coarser (adjacent chunks merged) than live
 * ones." Merges each run of adjacent `agent_message_chunk` frames into one (the first frame's
 * `seq` and timestamp), as the log store's aggregator does.
 */
export function mergeReplayChunks(frames: readonly WireFrame[]): WireFrame[] {
  const out: WireFrame[] = [];
  let run: { first: WireFrame; chunk: MessageChunk; count: number } | null = null;
  const flush = (): void => {
    if (run === null) return;
    const { first, chunk, count } = run;
    if (count === 1) out.push(first);
    else {
      const data = b64json({
        sessionId: chunk.sessionId,
        update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: chunk.text } },
      });
      out.push(
        makeFrame({
          type: first.type,
          kind: first.kind,
          data,
          timestamp: first.timestamp,
          ...(first.seq === undefined ? {} : { seq: first.seq }),
        }),
      );
    }
    run = null;
  };
  for (const frame of frames) {
    const chunk = chunkOf(frame);
    if (chunk === null) {
      flush();
      out.push(frame);
    } else if (run === null) run = { first: frame, chunk: { ...chunk }, count: 1 };
    else {
      run.chunk.text += chunk.text;
      run.count += 1;
    }
  }
  flush();
  return out;
}
