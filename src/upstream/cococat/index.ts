/** cococat v1 upstream (spec: docs/upstream/cococat.md). */
import { BearerAdapter, type BearerAdapterOptions } from '../bearer/bearer-adapter.js';
import { cococatPlatform } from './cococat.js';

export { cococatPlatform } from './cococat.js';
export { replyFailure } from './sentinels.js';

/** An adapter for one cococat instance. */
export function createCococatAdapter(options: BearerAdapterOptions): BearerAdapter {
  return new BearerAdapter(cococatPlatform, options);
}
