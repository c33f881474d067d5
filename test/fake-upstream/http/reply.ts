import { newTraceId } from '../ids.js';
import { messageFor, type Lang } from './messages.js';

/** A complete HTTP answer, built by route handlers and written by the HTTP layer. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Any JSON body with any status (used for captcha's envelope-less 201/500). */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Success envelope: `{"code":0,"message":"success","data":…}`; `data` omitted when undefined. */
export function ok(data?: unknown, headers: Record<string, string | string[]> = {}): Reply {
  const body = data === undefined ? { code: 0, message: 'success' } : { code: 0, message: 'success', data };
  return jsonReply(200, body, headers);
}

/** Localized message with the ` [trace_id: …]` suffix every SRC error carries. */
export function tracedMessage(code: number, lang: Lang): string {
  return `${messageFor(code, lang)} [trace_id: ${newTraceId()}]`;
}

/** Business error: HTTP 200 with a non-zero `code` (docs/monkeycode-protocol.md §1.2). `500` is the unclassified class. */
export function bizError(code: number, lang: Lang): Reply {
  return jsonReply(200, { code, message: tracedMessage(code, lang) });
}

/** Framework error: HTTP status equals `code` (400/401/403). */
export function frameworkError(status: 400 | 401 | 403, lang: Lang): Reply {
  return jsonReply(status, { code: status, message: tracedMessage(status, lang) });
}

/** `auth.Auth()` failure: HTTP 401, `text/plain`, body `Unauthorized` (docs/monkeycode-protocol.md §1.3). */
export function unauthorizedText(): Reply {
  return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized' };
}

/** A 200 HTML login page, as a dead hosted session sometimes gets (docs/monkeycode-protocol.md §1.3). */
export function htmlLoginPage(): Reply {
  const body =
    '<!DOCTYPE html><html><head><title>MonkeyCode</title></head><body><div id="root">登录</div></body></html>';
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** Echo-style 404 for unknown routes. */
export function notFound(): Reply {
  return jsonReply(404, { message: 'Not Found' });
}
