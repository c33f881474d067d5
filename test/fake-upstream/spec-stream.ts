import WebSocket from 'ws';
import { z } from 'zod';
import { decodeData, userInputData, toB64 } from './spec-base64.js';

/** A server frame as the spec client sees it (docs/monkeycode-protocol.md §5.2). */
export interface SpecFrame {
  raw: string;
  type: string;
  kind: string;
  seq: number | undefined;
  timestamp: number;
  data: string | null;
  /** JSON value of the base64 `data` (null when `data` is null). */
  decoded: unknown;
  /** Key order of the raw JSON object, to check SRC's field order. */
  keys: string[];
}

const frameSchema = z.object({
  type: z.string(),
  data: z.string().nullable(),
  kind: z.string(),
  seq: z.number().int().optional(),
  timestamp: z.number().int(),
});

/** Outcome of a handshake the server refused (answered without upgrading). */
export interface RefusedHandshake {
  refused: true;
  status: number;
  contentType: string;
  body: string;
}

/** A minimal stream client: collects every frame, lets tests await frames and the close. */
export class SpecStream {
  readonly frames: SpecFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private waiters: (() => void)[] = [];
  private isClosed = false;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        this.wake();
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    ws.on('message', (data) => {
      const raw = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      const json: unknown = JSON.parse(raw);
      const f = frameSchema.parse(json);
      const keys = typeof json === 'object' && json !== null ? Object.keys(json) : [];
      this.frames.push({
        raw,
        type: f.type,
        kind: f.kind,
        seq: f.seq,
        timestamp: f.timestamp,
        data: f.data,
        decoded: decodeData(f.data),
        keys,
      });
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /** Opens `ws(s)://…/api/v1/users/tasks/<endpoint>?id=…&mode=…` with the session cookie. */
  static open(url: string, cookie: string | undefined): Promise<SpecStream | RefusedHandshake> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> =
        cookie === undefined ? {} : { cookie: `monkeycode_ai_session=${cookie}` };
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new SpecStream(ws)));
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            refused: true,
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          });
          ws.terminate();
        });
      });
      ws.once('error', (err) => reject(err));
    });
  }

  /** Frames other than pings. */
  business(): SpecFrame[] {
    return this.frames.filter((f) => f.type !== 'ping');
  }

  /** Resolves with the next not-yet-consumed frame matching `predicate` (default: any non-ping). */
  async next(
    predicate: (f: SpecFrame) => boolean = (f) => f.type !== 'ping',
    timeoutMs = 3000,
  ): Promise<SpecFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const f = this.frames[this.cursor++];
        if (f !== undefined && predicate(f)) return f;
      }
      if (this.isClosed) throw new Error('stream closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Consumes frames up to and including the first of `type`; returns the business frames seen. */
  async until(type: string, timeoutMs = 3000): Promise<SpecFrame[]> {
    const seen: SpecFrame[] = [];
    for (;;) {
      const f = await this.next(undefined, timeoutMs);
      seen.push(f);
      if (f.type === type) return seen;
    }
  }

  /** Sends a raw text message. */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends `{"type","data"}` with `data` = base64 of JSON `payload` (or null). */
  send(type: string, payload?: unknown): void {
    const data = payload === undefined ? null : toB64(JSON.stringify(payload));
    this.ws.send(JSON.stringify({ type, data }));
  }

  /** Sends a `user-input` with double-base64 text (docs/monkeycode-protocol.md §5.3). */
  sendUserInput(text: string): void {
    this.ws.send(JSON.stringify({ type: 'user-input', data: userInputData(text) }));
  }

  /** Closes from the client side and waits for the close. */
  async close(code = 1000): Promise<{ code: number; reason: string }> {
    if (!this.isClosed) this.ws.close(code);
    return this.closed;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
