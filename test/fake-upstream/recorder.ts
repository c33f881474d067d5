import type { WireFrame } from './wire/frames.js';

/** A request body as received: the raw text and, when it parsed, the JSON value. */
export interface RecordedBody {
  raw: string;
  /** `undefined` when the body was empty or not JSON. */
  json: unknown;
}

/** One HTTP request (not an upgrade). */
export interface RecordedHttp {
  kind: 'http';
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: RecordedBody;
  /** HTTP status the fake answered with. */
  status: number;
}

/** One WebSocket handshake (upgrade request) and its outcome. */
export interface RecordedHandshake {
  kind: 'ws-handshake';
  at: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  /** `101` when upgraded, otherwise the HTTP status of the refusal. */
  status: number;
  socketId: number | null;
}

/** One inbound (client → server) WebSocket message. */
export interface RecordedFrameIn {
  kind: 'ws-in';
  at: number;
  socketId: number;
  taskId: string;
  raw: string;
  /** Parsed JSON value of the frame, `undefined` when not JSON. */
  json: unknown;
  /** `type` field when it was a string. */
  type: string | null;
  /** Whether `data` was valid standard base64; `null` when `data` was absent, null or not a string. */
  dataValidBase64: boolean | null;
  /** UTF-8 text of the decoded `data`, when it was valid base64. */
  decodedData: string | null;
  /** True when SRC would have dropped the frame (json.Unmarshal failure). */
  dropped: boolean;
}

/** A socket closed, by either side; `code` 1009 means the inbound frame was too large. */
export interface RecordedClose {
  kind: 'ws-close';
  at: number;
  socketId: number;
  taskId: string;
  code: number;
  by: 'server' | 'client' | 'drop';
}

/** Anything the fake saw. */
export type RecordedEntry = RecordedHttp | RecordedHandshake | RecordedFrameIn | RecordedClose;

/** One server → client frame actually written to a socket. */
export interface SentFrame {
  at: number;
  socketId: number;
  taskId: string;
  frame: WireFrame;
  raw: string;
}

/** Append-only logs of what the fake saw and sent. */
export class Recorder {
  readonly requests: RecordedEntry[] = [];
  readonly sent: SentFrame[] = [];

  /** Appends and returns the entry. */
  add<T extends RecordedEntry>(entry: T): T {
    this.requests.push(entry);
    return entry;
  }

  /** Appends a sent frame. */
  addSent(entry: SentFrame): void {
    this.sent.push(entry);
  }

  /** Forgets everything recorded so far. */
  clear(): void {
    this.requests.length = 0;
    this.sent.length = 0;
  }
}
