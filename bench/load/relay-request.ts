import { createParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { isRecord } from '../direct/direct-rest.js';
import { RequestFailure, type RequestSample } from './samples.js';

/** One `/v1/chat/completions` request shape. */
export interface RelayTarget {
  dispatcher: Dispatcher;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  model: string;
  prompt: string;
  stream: boolean;
  /** What the fake's agent answers; a different answer is a failure. Null: don't check. */
  expectedText: string | null;
}

/** Extra controls for long-lived streams (open-streams scenario). */
export interface RelayControls {
  signal?: AbortSignal;
  onFirstContent?: () => void;
}

function errorCode(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    const error = isRecord(json) ? json.error : undefined;
    return isRecord(error) && typeof error.code === 'string' ? error.code : 'error';
  } catch {
    return 'error';
  }
}

function deltaContent(data: string): string | null {
  const json: unknown = JSON.parse(data);
  if (!isRecord(json)) return null;
  if (isRecord(json.error)) throw new RequestFailure(200, `error frame ${String(json.error.code)}`);
  const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
  const delta = isRecord(choice) ? choice.delta : undefined;
  return isRecord(delta) && typeof delta.content === 'string' && delta.content !== '' ? delta.content : null;
}

function messageContent(body: string): string {
  const json: unknown = JSON.parse(body);
  const choice: unknown = isRecord(json) && Array.isArray(json.choices) ? json.choices[0] : undefined;
  const message = isRecord(choice) ? choice.message : undefined;
  return isRecord(message) && typeof message.content === 'string' ? message.content : '';
}

/**
 * Send one chat completion through relaypool with a raw undici client and measure it. Streams are
 * parsed as SSE (`eventsource-parser`); the answer must end with `[DONE]` and equal the agent's reply.
 */
export async function relayRequest(
  target: RelayTarget,
  controls: RelayControls = {},
): Promise<RequestSample> {
  const started = performance.now();
  const body = JSON.stringify({
    model: target.model,
    stream: target.stream,
    messages: [{ role: 'user', content: target.prompt }],
  });
  const res = await target.dispatcher.request({
    origin: target.origin,
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body,
    signal: controls.signal,
  });
  if (res.statusCode !== 200) throw new RequestFailure(res.statusCode, errorCode(await res.body.text()));
  if (!target.stream) {
    const ttfbMs = performance.now() - started;
    const text = messageContent(await res.body.text());
    return check(
      target,
      { ttfbMs, totalMs: performance.now() - started, chunks: 1, chars: text.length },
      text,
    );
  }
  let ttfbMs: number | null = null;
  let chunks = 0;
  let text = '';
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const piece = deltaContent(event.data);
      if (piece === null) return;
      if (ttfbMs === null) {
        ttfbMs = performance.now() - started;
        controls.onFirstContent?.();
      }
      chunks += 1;
      text += piece;
    },
  });
  res.body.setEncoding('utf8');
  for await (const part of res.body) parser.feed(String(part));
  if (!done) throw new RequestFailure(200, 'stream ended without [DONE]');
  return check(
    target,
    {
      ttfbMs: ttfbMs ?? performance.now() - started,
      totalMs: performance.now() - started,
      chunks,
      chars: text.length,
    },
    text,
  );
}

function check(target: RelayTarget, sample: RequestSample, text: string): RequestSample {
  if (target.expectedText !== null && text !== target.expectedText)
    throw new RequestFailure(200, 'unexpected content');
  return sample;
}
