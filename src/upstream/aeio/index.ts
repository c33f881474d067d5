/** Aeio Dev Agent upstream (spec: docs/upstream/aeio.md). */
import { BearerAdapter, type BearerAdapterOptions } from '../bearer/bearer-adapter.js';
import { aeioPlatform } from './aeio.js';

export { aeioPlatform } from './aeio.js';

/** An adapter for one Aeio Dev Agent deployment. */
export function createAeioAdapter(options: BearerAdapterOptions): BearerAdapter {
  return new BearerAdapter(aeioPlatform, options);
}
