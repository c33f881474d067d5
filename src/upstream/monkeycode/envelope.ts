import type { z } from 'zod';
import { UpstreamFailure, type AnyUpstreamFailure } from '../errors.js';
import { failureFromCode, failureFromStatus } from './error-codes.js';

/** An HTTP answer before interpretation. */
export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** docs/monkeycode-protocol.md §1.1: `{code, message, data?}`; write-ups use `msg`, so both are accepted. */
interface Envelope {
  code: number;
  message: string | undefined;
  msg: string | undefined;
  data: unknown;
}

/**
 * The envelope of a parsed body, or null when it is not one: an object whose `code` is a number and
 * whose `message`/`msg`, when present, are strings. Checked by hand, not with a schema: every REST
 * answer passes here (four per proxied request), and the endpoint's `data` still goes through its
 * own schema.
 */
function readEnvelope(value: unknown): Envelope | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const code: unknown = Reflect.get(value, 'code');
  const message: unknown = Reflect.get(value, 'message');
  const msg: unknown = Reflect.get(value, 'msg');
  if (typeof code !== 'number') return null;
  if (message !== undefined && typeof message !== 'string') return null;
  if (msg !== undefined && typeof msg !== 'string') return null;
  return { code, message, msg, data: Reflect.get(value, 'data') };
}

/** Options for reading one endpoint's envelope. */
export interface EnvelopeOptions {
  /** docs/monkeycode-protocol.md §1.3: hosted answers some dead-session calls with 200 + `data: null`. */
  nullDataMeansExpired?: boolean;
}

/**
 * Turn an HTTP answer into the endpoint's `data`, or throw a typed `UpstreamFailure`.
 * docs/monkeycode-protocol.md §1.3: 401 in either shape (text `Unauthorized` or JSON `code 401`) and any non-JSON 2xx (an
 * HTML login page) mean the session is dead. docs/monkeycode-protocol.md §1.2: business errors are HTTP 200 with code ≠ 0.
 */
export function parseEnvelope<T>(
  response: RawResponse,
  schema: z.ZodType<T>,
  context: string,
  options: EnvelopeOptions = {},
): T {
  const json = parseJson(response.body);
  const envelope = json.ok ? readEnvelope(json.value) : null;
  const ok2xx = response.status >= 200 && response.status < 300;
  if (response.status === 401) throw expired(context);
  if (!ok2xx) {
    if (envelope !== null && envelope.code !== 0) throw errorOf(envelope, context);
    throw failureFromStatus(response.status, context);
  }
  if (!json.ok) throw expired(context, 'answered with a non-JSON page');
  if (envelope === null) throw protocolError(context, 'answer is not a MonkeyCode envelope');
  if (envelope.code !== 0) throw errorOf(envelope, context);
  const data = envelope.data;
  if (options.nullDataMeansExpired && (data === null || data === undefined)) {
    throw expired(context, 'answered without data');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw protocolError(context, describeIssue(parsed.error));
  return parsed.data;
}

/** Parse a body as JSON without throwing. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** A `protocol` failure: the upstream answered something this client does not understand. */
export function protocolError(context: string, detail: string): UpstreamFailure {
  return new UpstreamFailure('protocol', `${context}: unexpected answer (${detail})`);
}

/** The first zod issue as `path: message`, without echoing values. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

function errorOf(envelope: Envelope, context: string): AnyUpstreamFailure {
  return failureFromCode(envelope.code, envelope.message ?? envelope.msg ?? '', context);
}

function expired(context: string, detail = 'session is not valid'): UpstreamFailure {
  return new UpstreamFailure('session-expired', `${context}: ${detail}`, { upstreamCode: 401 });
}
