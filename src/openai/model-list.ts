import type { ModelList } from './wire.js';

/** A model the pool can serve, as the models route knows it. */
export interface ModelEntry {
  /** The id clients send as `model`. */
  id: string;
  ownedBy: string;
  /** Unix seconds; `defaultCreated` when unknown. */
  created?: number;
}

/** Encode the `GET /v1/models` body in OpenAI's list shape. */
export function encodeModelList(models: readonly ModelEntry[], defaultCreated = 0): ModelList {
  return {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created: model.created ?? defaultCreated,
      owned_by: model.ownedBy,
    })),
  };
}
