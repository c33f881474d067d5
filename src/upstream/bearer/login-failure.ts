import { isUpstreamFailure, upstreamFailure, type AnyUpstreamFailure } from '../errors.js';
import type { BearerHttp, BearerCall, BearerAnswer } from './http.js';
import { failureFromStatus } from './http-failure.js';

/**
 * A login call: a 401 (or 400/403 from platforms that answer bad passwords that way) means the
 * credentials are wrong, never an expired session.
 */
export async function loginCall(http: BearerHttp, call: BearerCall): Promise<BearerAnswer> {
  const answer = await http.read(call);
  if (answer.status >= 200 && answer.status <= 299) return answer;
  if (answer.status === 401 || answer.status === 403 || answer.status === 400)
    throw failureFromStatus(answer, call.context, 'bad-credentials');
  throw failureFromStatus(answer, call.context);
}

/** A login answer whose body did not parse: the platform speaks another protocol than the spec. */
export function unexpectedBody(context: string, cause?: unknown): AnyUpstreamFailure {
  return upstreamFailure('protocol', `${context}: unexpected answer`, { cause });
}

/** True for a typed failure of the given kind. */
export function isKind(err: unknown, kind: string): boolean {
  return isUpstreamFailure(err) && err.kind === kind;
}
