import type { ModelInfo, ModelInfoList } from './wire.js';

/** The pool has no release dates: every model is listed as created at the Unix epoch. */
const CREATED_AT = '1970-01-01T00:00:00Z';

/** One model in Anthropic's shape (`GET /v1/models/{id}` with `anthropic-version`). */
export function encodeModelInfo(id: string): ModelInfo {
  return { type: 'model', id, display_name: id, created_at: CREATED_AT };
}

/** `GET /v1/models` in Anthropic's list shape: one page holding every model. */
export function encodeModelInfoList(ids: readonly string[]): ModelInfoList {
  return {
    data: ids.map(encodeModelInfo),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  };
}
