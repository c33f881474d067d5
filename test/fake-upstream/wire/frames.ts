import { z } from 'zod';
import { b64json } from './base64.js';

/**
 * A server → client frame exactly as SRC's `domain.TaskStream` marshals it (docs/monkeycode-protocol.md §5.2):
 * field order `type, data, kind, seq, timestamp`; `data` is base64 or null; `seq` omitted when 0.
 */
export interface WireFrame {
  readonly type: string;
  readonly data: string | null;
  readonly kind: string;
  readonly seq?: number;
  /** Milliseconds since the epoch; 0 for `ping` and `error`. */
  readonly timestamp: number;
}

/** Schema for one recorded server frame (fixture line). */
export const wireFrameSchema = z.object({
  type: z.string(),
  data: z.string().nullable(),
  kind: z.string(),
  seq: z.number().int().positive().optional(),
  timestamp: z.number().int().nonnegative(),
});

/** Builds a frame with the canonical field order. */
export function makeFrame(input: {
  type: string;
  data?: string | null;
  kind?: string;
  seq?: number;
  timestamp?: number;
}): WireFrame {
  const base = { type: input.type, data: input.data ?? null, kind: input.kind ?? '' };
  const timestamp = input.timestamp ?? Date.now();
  if (input.seq !== undefined && input.seq !== 0) return { ...base, seq: input.seq, timestamp };
  return { ...base, timestamp };
}

/** Serializes a frame with SRC's field order (`seq` omitted when absent or 0). */
export function serializeFrame(frame: WireFrame): string {
  const ordered: Record<string, unknown> = { type: frame.type, data: frame.data, kind: frame.kind };
  if (frame.seq !== undefined && frame.seq !== 0) ordered['seq'] = frame.seq;
  ordered['timestamp'] = frame.timestamp;
  return JSON.stringify(ordered);
}

/** The heartbeat frame: `{"type":"ping","data":null,"kind":"","timestamp":0}`. */
export function pingFrame(): WireFrame {
  return makeFrame({ type: 'ping', timestamp: 0 });
}

/** A server-side failure frame; `data` is base64 of a JSON string (docs/monkeycode-protocol.md §5.4). */
export function errorFrame(message: string): WireFrame {
  return makeFrame({ type: 'error', data: b64json(message), timestamp: 0 });
}
