import OpenAI from 'openai';
import { createParser } from 'eventsource-parser';
import type { Prng } from './prng.js';

export type RequestKind = 'chat-stream' | 'chat' | 'responses-stream' | 'responses' | 'follow-up';

/** What one client request saw. */
export interface RequestRecord {
  id: number;
  kind: RequestKind;
  /** Unique marker inside the prompt, to find the fake's turn that answered it. */
  nonce: string;
  /** The new user text of this request. */
  prompt: string;
  startedAt: number;
  endedAt: number;
  /** `ok`: a complete answer; `error`: an OpenAI-shaped error; `aborted`: the client gave up; `connection`: the socket died (relaypool killed). */
  result: 'ok' | 'error' | 'aborted' | 'connection';
  text: string;
  /** Raw SSE of a stream (for the wire checks). */
  sse: string | null;
  status: number | null;
  responseId: string | null;
  /** Set by the run: relaypool was killed while this request ran. */
  crossedKill: boolean;
}

/** A `fetch` that keeps a copy of every streamed body it hands the SDK. */
function recordingFetch(record: RequestRecord, copies: Promise<void>[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    record.status = res.status;
    if (res.body === null || !(res.headers.get('content-type') ?? '').includes('text/event-stream'))
      return res;
    const [forSdk, forUs] = res.body.tee();
    copies.push(
      new Response(forUs)
        .text()
        .then((text) => void (record.sse = text))
        .catch(() => undefined),
    );
    return new Response(forSdk, { status: res.status, headers: res.headers });
  };
}

/** Run one request of `kind` against relaypool; never throws. */
export async function runRequest(
  baseUrl: string,
  model: string,
  id: number,
  kind: RequestKind,
  random: Prng,
  previous: { responseId: string } | null,
): Promise<RequestRecord> {
  const nonce = `n${id}x${random.int(1000, 9999)}`;
  const prompt = `chaos request ${nonce}: ${'lorem ipsum '.repeat(random.int(1, 12)).trim()}`;
  const record: RequestRecord = {
    id,
    kind,
    nonce,
    prompt,
    startedAt: Date.now(),
    endedAt: 0,
    result: 'ok',
    text: '',
    sse: null,
    status: null,
    responseId: null,
    crossedKill: false,
  };
  const copies: Promise<void>[] = [];
  const controller = new AbortController();
  const abortAfter = random.chance(0.12) ? random.int(0, 1500) : null;
  const timer = abortAfter === null ? null : setTimeout(() => controller.abort(), abortAfter);
  const client = new OpenAI({
    baseURL: `${baseUrl}/v1`,
    apiKey: 'chaos',
    maxRetries: 0,
    timeout: 60_000,
    fetch: recordingFetch(record, copies),
  });
  const options = { signal: controller.signal };
  try {
    switch (kind) {
      case 'chat': {
        const done = await client.chat.completions.create(
          { model, messages: [{ role: 'user', content: prompt }] },
          options,
        );
        record.text = done.choices[0]?.message.content ?? '';
        break;
      }
      case 'chat-stream': {
        const stream = await client.chat.completions.create(
          { model, stream: true, messages: [{ role: 'user', content: prompt }] },
          options,
        );
        for await (const chunk of stream) record.text += chunk.choices[0]?.delta.content ?? '';
        break;
      }
      case 'responses':
      case 'follow-up': {
        const prev = kind === 'follow-up' && previous ? { previous_response_id: previous.responseId } : {};
        const done = await client.responses.create({ model, input: prompt, ...prev }, options);
        record.text = done.output_text;
        record.responseId = done.id;
        break;
      }
      case 'responses-stream': {
        const stream = client.responses.stream({ model, input: prompt }, options);
        for await (const event of stream)
          if (event.type === 'response.output_text.delta') record.text += event.delta;
        const final = await stream.finalResponse();
        record.responseId = final.id;
        // A turn that fails after output ends with response.failed, which the SDK hands back as the
        // final response instead of throwing.
        if (final.status !== 'completed') record.result = 'error';
        break;
      }
    }
    // The SDK ends a stream iteration silently when its signal aborts: that is the client giving up.
    if (controller.signal.aborted) record.result = 'aborted';
  } catch (err) {
    record.result = controller.signal.aborted
      ? 'aborted'
      : err instanceof OpenAI.APIError && err.status !== undefined
        ? 'error'
        : classify(err);
  } finally {
    if (timer !== null) clearTimeout(timer);
    await Promise.all(copies);
    record.endedAt = Date.now();
  }
  return record;
}

// An error frame inside a 200 stream reaches the SDK as an APIError without a status.
function classify(err: unknown): RequestRecord['result'] {
  if (err instanceof OpenAI.APIConnectionError) return 'connection';
  if (err instanceof OpenAI.APIError) return 'error';
  return 'connection';
}

/** What a recorded SSE body contains. */
export interface StreamShape {
  done: number;
  errors: number;
  finishes: number;
  completed: number;
}

/** Count `[DONE]`, error frames, finish reasons and `response.completed` events in a raw SSE body. */
export function streamShape(sse: string): StreamShape {
  const shape: StreamShape = { done: 0, errors: 0, finishes: 0, completed: 0 };
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        shape.done += 1;
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(event.data);
      } catch {
        shape.errors += 100; // not JSON at all: never valid
        return;
      }
      if (typeof body !== 'object' || body === null) return;
      const type: unknown = Reflect.get(body, 'type');
      if (Reflect.get(body, 'error') !== undefined && type !== 'response.completed') shape.errors += 1;
      else if (type === 'error' || type === 'response.failed') shape.errors += 1;
      if (type === 'response.completed') shape.completed += 1;
      const choices: unknown = Reflect.get(body, 'choices');
      if (Array.isArray(choices))
        for (const c of choices)
          if (typeof c === 'object' && c !== null && Reflect.get(c, 'finish_reason')) shape.finishes += 1;
    },
  });
  parser.feed(sse);
  return shape;
}
