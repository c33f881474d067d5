import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { UpstreamEvent } from '../../src/upstream/types.js';
import {
  createResponsesStreamEncoder,
  type ResponsesEncoderOptions,
} from '../../src/openai/responses-stream-encoder.js';
import type { ResponseStreamEvent } from '../../src/openai/responses-wire.js';

/** Counter-based item ids (`msg_1`, `rs_2`, …) so runs are deterministic. */
export function countingIds(): { message: () => string; reasoning: () => string } {
  let n = 0;
  return { message: () => `msg_${++n}`, reasoning: () => `rs_${++n}` };
}

/** Encoder options every test starts from: fixed id, model, clock and ids. */
export function baseOptions(overrides: Partial<ResponsesEncoderOptions> = {}): ResponsesEncoderOptions {
  return {
    id: 'resp_1',
    model: 'qwen',
    createdAt: 1_700_000_000,
    now: () => 1_700_000_005_000,
    ids: countingIds(),
    ...overrides,
  };
}

/** Push every event through a fresh encoder and collect what it emits. */
export function encodeAll(
  events: readonly UpstreamEvent[],
  overrides: Partial<ResponsesEncoderOptions> = {},
): ResponseStreamEvent[] {
  const encoder = createResponsesStreamEncoder(baseOptions(overrides));
  return events.flatMap((event) => encoder.push(event));
}

/** What the fake `/v1/responses` server answers with. */
export type ServerScript =
  { kind: 'sse'; events: readonly ResponseStreamEvent[] } | { kind: 'json'; body: unknown };

/** A local server standing in for relaypool's route: it answers every POST with `script`. */
export interface ScriptedServer {
  baseURL: string;
  /** JSON bodies the server received, in order. */
  requests: unknown[];
  close(): Promise<void>;
}

/** Start a loopback server on a free port; each SSE event is written as `event: <type>` + `data:`. */
export async function startScriptedServer(script: ServerScript): Promise<ScriptedServer> {
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      requests.push(JSON.parse(body));
      answer(res, script);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    baseURL: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function answer(res: ServerResponse, script: ServerScript): void {
  if (script.kind === 'json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(script.body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of script.events) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
