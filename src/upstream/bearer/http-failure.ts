import { z } from 'zod';
import { upstreamFailure, type AnyUpstreamFailure, type UpstreamErrorKind } from '../errors.js';

/**
 * The error bodies the four bearer platforms use, parsed leniently: FastAPI `{"detail": "…"}` or
 * `{"detail": [{msg}]}`, `{"error": "…"}`, `{"error": "CODE", "message": "…"}` and RFC 7807
 * problem+json `{"title", "detail", "status"}`. Only a short message is kept.
 */
const errorBody = z.looseObject({
  detail: z.union([z.string(), z.array(z.looseObject({ msg: z.string().optional() }))]).optional(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional() })]).optional(),
  message: z.string().optional(),
  title: z.string().optional(),
});

const MAX_MESSAGE = 200;

/** The platform's own short error text from a body, or null. */
export function errorMessageOf(json: unknown): string | null {
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) return null;
  const { detail, error, message, title } = parsed.data;
  const text =
    message ??
    (typeof detail === 'string'
      ? detail
      : detail
          ?.map((item) => item.msg ?? '')
          .filter(Boolean)
          .join('; ')) ??
    (typeof error === 'string' ? error : error?.message) ??
    title ??
    null;
  return text === null || text === '' ? null : text.slice(0, MAX_MESSAGE);
}

/** The kind an HTTP status means on a call made with a valid-looking bearer token. */
export function kindOfStatus(status: number): UpstreamErrorKind {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 413) return 'input-too-large';
  if (status === 429) return 'rate-limited';
  if (status === 400 || status === 409 || status === 422) return 'bad-request';
  if (status >= 500) return 'unavailable';
  return 'unknown';
}

/** A classified failure for a non-2xx answer (`kind` overrides the status mapping). */
export function failureFromStatus(
  answer: { status: number; json: unknown },
  context: string,
  kind: UpstreamErrorKind = kindOfStatus(answer.status),
): AnyUpstreamFailure {
  const said = errorMessageOf(answer.json);
  return upstreamFailure(kind, `${context}: HTTP ${answer.status}${said === null ? '' : ` (${said})`}`, {
    upstreamCode: answer.status,
  });
}
