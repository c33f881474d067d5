import { z } from 'zod';
import { parseJson } from './envelope.js';

/** A frame's decoded `data`: nothing, a JSON value, or plain text. */
export type FrameData =
  | { form: 'none' }
  | { form: 'json'; value: unknown }
  | { form: 'text'; text: string };

/** A server frame (§5.2 `TaskStream`) with `data` decoded. */
export interface WireFrame {
  type: string;
  kind: string;
  seq: number | null;
  timestamp: number | null;
  data: FrameData;
}

const frameSchema = z.object({
  type: z.string(),
  data: z.unknown().optional(),
  kind: z.string().nullish(),
  seq: z.number().nullish(),
  timestamp: z.number().nullish(),
});

/** Parse one inbound text frame; null when it is not a `TaskStream` object. */
export function parseWireFrame(raw: string): WireFrame | null {
  const json = parseJson(raw);
  if (!json.ok) return null;
  const frame = frameSchema.safeParse(json.value);
  if (!frame.success) return null;
  const { type, kind, seq, timestamp, data } = frame.data;
  return { type, kind: kind ?? '', seq: seq ?? null, timestamp: timestamp ?? null, data: decodeFrameData(data) };
}

/**
 * §5.2: `data` is base64 of UTF-8 JSON (Go `[]byte`), but hosted frames are "occasionally a raw
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

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict standard base64 (padded, as Go writes it) decoded as UTF-8; null when either fails. */
export function decodeBase64Utf8(text: string): string | null {
  if (!BASE64.test(text)) return null;
  try {
    return utf8.decode(Buffer.from(text, 'base64'));
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
