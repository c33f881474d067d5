import { upstreamFailure, type AnyUpstreamFailure, type UpstreamErrorKind } from '../errors.js';

// docs/monkeycode-protocol.md §1.4: business codes arrive with HTTP 200; framework codes equal the HTTP status.
const CODE_KINDS: ReadonlyMap<number, UpstreamErrorKind> = new Map<number, UpstreamErrorKind>([
  [400, 'bad-request'],
  [401, 'session-expired'],
  [403, 'forbidden'],
  [404, 'not-found'],
  [500, 'unknown'], // unclassified Go error: someone else's task, unsupported cli_name, bad image id
  [10000, 'unavailable'],
  [10002, 'not-found'],
  [10004, 'unavailable'],
  [10204, 'no-capacity'],
  [10205, 'no-capacity'],
  [10230, 'host-limit'],
  [10603, 'session-expired'],
  [10605, 'banned'],
  [10606, 'bad-credentials'],
  [10609, 'credits'],
  [10610, 'credits'],
  [10700, 'captcha'],
  [10701, 'captcha'],
  [10702, 'captcha'],
  [10811, 'concurrency'],
  [10812, 'model-denied'],
]);

/** The error kind of a MonkeyCode envelope `code` (anything unmapped is `unknown`). */
export function kindOfCode(code: number): UpstreamErrorKind {
  return CODE_KINDS.get(code) ?? 'unknown';
}

/** The error kind of a bare HTTP status without a usable envelope. */
export function kindOfHttpStatus(status: number): UpstreamErrorKind {
  if (status === 401) return 'session-expired';
  if (status === 400 || status === 413 || status === 422) return 'bad-request';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'unavailable';
  return 'unknown';
}

const TRACE_SUFFIX = /\s*\[trace_id:[^\]]*\]\s*$/i;
const MAX_MESSAGE = 300;

/** docs/monkeycode-protocol.md §1.2: drop the ` [trace_id: …]` suffix and bound the length for display. */
export function cleanUpstreamMessage(message: string): string {
  const text = message.replace(TRACE_SUFFIX, '').replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** A typed failure for an error envelope `{code, message}` returned by `context` (e.g. `create task`). */
export function failureFromCode(code: number, message: string, context: string): AnyUpstreamFailure {
  const text = cleanUpstreamMessage(message);
  const detail = text.length > 0 ? `: ${text}` : '';
  return upstreamFailure(kindOfCode(code), `${context} failed (code ${code})${detail}`, {
    upstreamCode: code,
  });
}

/** A typed failure for an HTTP status that came without a usable envelope. */
export function failureFromStatus(status: number, context: string): AnyUpstreamFailure {
  return upstreamFailure(kindOfHttpStatus(status), `${context} failed (HTTP ${status})`, {
    upstreamCode: status,
  });
}
