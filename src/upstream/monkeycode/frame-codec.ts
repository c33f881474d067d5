import { UpstreamFailure } from '../errors.js';
import { parseJson } from './envelope.js';

/** A frame's decoded `data`: nothing, a JSON value, or plain text. */
export type FrameData = { form: 'none' } | { form: 'json'; value: unknown } | { form: 'text'; text: string };

/** A server frame (docs/monkeycode-protocol.md §5.2 `TaskStream`) with `data` decoded. */
export interface WireFrame {
  type: string;
  kind: string;
  seq: number | null;
  timestamp: number | null;
  data: FrameData;
}

const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;

/**
 * Parse one inbound text frame; null when it is not a `TaskStream` object: `type` a string,
 * `kind` a string or nullish, `seq` and `timestamp` numbers or nullish (docs/monkeycode-protocol.md §5.2). Checked by hand,
 * not with a schema: this runs for every frame of every turn, and the envelope has five fields.
 */
export function parseWireFrame(raw: string): WireFrame | null {
  const json = parseJson(raw);
  if (!json.ok) return null;
  const frame = json.value;
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
  const type: unknown = Reflect.get(frame, 'type');
  const kind: unknown = Reflect.get(frame, 'kind');
  const seq: unknown = Reflect.get(frame, 'seq');
  const timestamp: unknown = Reflect.get(frame, 'timestamp');
  if (typeof type !== 'string') return null;
  if (!isNullish(kind) && typeof kind !== 'string') return null;
  if (!isNullish(seq) && typeof seq !== 'number') return null;
  if (!isNullish(timestamp) && typeof timestamp !== 'number') return null;
  return {
    type,
    kind: kind ?? '',
    seq: seq ?? null,
    timestamp: timestamp ?? null,
    data: decodeFrameData(Reflect.get(frame, 'data')),
  };
}

/**
 * docs/monkeycode-protocol.md §5.2: `data` is base64 of UTF-8 JSON (Go `[]byte`), but hosted frames are "occasionally a raw
 * object or raw JSON string". Order: null → none; object → as is; string → base64 → UTF-8 → JSON,
 * else the decoded UTF-8 as text, else the string as JSON, else the string as text.
 */
export function decodeFrameData(data: unknown): FrameData {
  if (data === null || data === undefined) return { form: 'none' };
  if (typeof data !== 'string') return { form: 'json', value: data };
  if (data.length === 0) return { form: 'none' };
  const decoded = decodeBase64Utf8(data);
  if (decoded !== null) {
    const json = parseJson(decoded);
    return json.ok ? { form: 'json', value: json.value } : { form: 'text', text: decoded };
  }
  const json = parseJson(data);
  return json.ok ? { form: 'json', value: json.value } : { form: 'text', text: data };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict standard base64 (padded, as Go writes it) decoded as UTF-8; null when either fails.
 * Runs for nearly every frame, so validity is checked without a regex or a re-encoded copy:
 * Node's decoder skips characters outside both base64 alphabets (and stops at a misplaced `=`),
 * so standard base64 is exactly a length that is a multiple of 4 whose decoded size is the full
 * `3/4` of it (less the padding), with none of the URL-safe alphabet's `-` and `_`.
 */
export function decodeBase64Utf8(text: string): string | null {
  if (text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (bytes.length !== (text.length / 4) * 3 - padding || text.includes('-') || text.includes('_'))
    return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The frame's data as display text: a JSON string, a text payload, or null. */
export function frameText(data: FrameData): string | null {
  if (data.form === 'text') return data.text;
  if (data.form === 'json' && typeof data.value === 'string') return data.value;
  return null;
}

/** docs/monkeycode-protocol.md §5.1: the server's read limit per client message (coder/websocket default); larger closes 1009. */
export const MAX_CLIENT_FRAME_BYTES = 32 * 1024;

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A client frame; docs/monkeycode-protocol.md §5.2: `data` is always base64 of the JSON payload (omitted when there is none). */
export function encodeClientFrame(type: string, payload?: unknown): string {
  if (payload === undefined) return JSON.stringify({ type });
  return JSON.stringify({ type, data: base64(JSON.stringify(payload)) });
}

/**
 * docs/monkeycode-protocol.md §5.3 `user-input`: the text is base64-encoded inside the JSON payload, which is base64-encoded
 * again as `data`. Throws `input-too-large` when the frame would exceed 32 KiB — long text belongs
 * in the task `content` instead.
 */
export function encodeUserInput(text: string): string {
  return assertFrameFits(encodeClientFrame('user-input', { content: base64(text), attachments: [] }));
}

/** Whether `encodeUserInput(text)` would fit in one frame. */
export function fitsUserInput(text: string): boolean {
  const frame = encodeClientFrame('user-input', { content: base64(text), attachments: [] });
  return Buffer.byteLength(frame, 'utf8') <= MAX_CLIENT_FRAME_BYTES;
}

/**
 * docs/monkeycode-protocol.md §5.3/§6.2 `reply-question`: `request_id` is the question's `toolCall.toolCallId`. With
 * `answers` null the question is declined (`cancelled: true`).
 */
export function encodeReplyQuestion(
  requestId: string,
  answers: Record<string, string | string[]> | null,
): string {
  const payload = {
    request_id: requestId,
    answers_json: JSON.stringify(answers ?? {}),
    cancelled: answers === null,
  };
  return assertFrameFits(encodeClientFrame('reply-question', payload));
}

/** Refuse a frame the server would reject with close 1009. */
export function assertFrameFits(frame: string): string {
  const bytes = Buffer.byteLength(frame, 'utf8');
  if (bytes > MAX_CLIENT_FRAME_BYTES) {
    throw new UpstreamFailure(
      'input-too-large',
      `message is too long for a follow-up turn (${bytes} bytes encoded, limit ${MAX_CLIENT_FRAME_BYTES})`,
    );
  }
  return frame;
}
