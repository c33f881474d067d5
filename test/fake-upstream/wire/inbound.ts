import { z } from 'zod';
import { b64decodeBytes, b64decodeText, tryParseJson } from './base64.js';

/** A client frame after Go-style unmarshalling into `domain.TaskStream`. */
export interface InboundFrame {
  readonly type: string;
  readonly kind: string;
  /** Decoded `data` bytes; `null` when `data` was null or absent. */
  readonly data: Buffer | null;
}

/** Why an inbound frame was dropped, mirroring `json.Unmarshal` failures in SRC. */
export type InboundRejection = 'not-json' | 'not-object' | 'bad-field-type' | 'bad-base64';

const optionalString = z.string().nullable().optional();
const optionalInt = z.number().int().nullable().optional();
const frameShape = z.object({
  type: optionalString,
  kind: optionalString,
  seq: optionalInt,
  timestamp: optionalInt,
  data: z.string().nullable().optional(),
});

/**
 * Parses a client text frame like SRC's `json.Unmarshal(d, &m)`: any type mismatch, or a `data`
 * string that is not standard base64, fails the whole frame (which SRC then silently drops).
 */
export function parseInboundFrame(
  raw: string,
): { ok: true; frame: InboundFrame } | { ok: false; reason: InboundRejection } {
  const json = tryParseJson(raw);
  if (json === undefined) return { ok: false, reason: 'not-json' };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, reason: 'not-object' };
  const parsed = frameShape.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'bad-field-type' };
  const { type, kind, data } = parsed.data;
  let bytes: Buffer | null = null;
  if (typeof data === 'string') {
    bytes = b64decodeBytes(data);
    if (bytes === null) return { ok: false, reason: 'bad-base64' };
  }
  return { ok: true, frame: { type: type ?? '', kind: kind ?? '', data: bytes } };
}

const userInputPayload = z.object({
  content: z.string(),
  attachments: z
    .array(z.object({ url: z.string(), filename: z.string() }))
    .nullable()
    .optional(),
});

/**
 * Extracts the prompt text from a decoded `user-input` payload: JSON `{content:<base64 text>}`
 * (current clients) or raw UTF-8 text (legacy). `null` when the inner content is not base64.
 */
export function decodeUserInputText(data: Buffer | null): string | null {
  if (data === null) return null;
  const text = data.toString('utf8');
  const json = tryParseJson(text);
  const payload = userInputPayload.safeParse(json);
  if (!payload.success) return text;
  return b64decodeText(payload.data.content);
}

const replyQuestionPayload = z.object({
  request_id: z.string(),
  answers_json: z.string().optional().default(''),
  cancelled: z.boolean().optional().default(false),
});

/** A decoded `reply-question` payload. */
export type QuestionReply = z.infer<typeof replyQuestionPayload>;

/** Parses a `reply-question` payload, or `null` when malformed. */
export function decodeQuestionReply(data: Buffer | null): QuestionReply | null {
  if (data === null) return null;
  const parsed = replyQuestionPayload.safeParse(tryParseJson(data.toString('utf8')));
  return parsed.success ? parsed.data : null;
}
