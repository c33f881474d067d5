/** "Runtime API" upstream (spec: docs/upstream/runtime-api.md). */
import { BearerAdapter, type BearerAdapterOptions } from '../bearer/bearer-adapter.js';
import { systemClock } from '../../util/timing.js';
import { runtimeApiPlatform } from './runtime-api.js';

export { runtimeApiPlatform } from './runtime-api.js';

/** An adapter for one Runtime API deployment. */
export function createRuntimeApiAdapter(options: BearerAdapterOptions): BearerAdapter {
  return new BearerAdapter(runtimeApiPlatform(options.clock ?? systemClock), options);
}
