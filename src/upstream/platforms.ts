import { createAeioAdapter } from './aeio/index.js';
import type { BearerAdapter, BearerAdapterOptions } from './bearer/bearer-adapter.js';
import { createCococatAdapter } from './cococat/index.js';
import { createRuntimeApiAdapter } from './runtime-api/index.js';
import { createTiangongAdapter } from './tiangong/index.js';

/** The bearer-token platforms an `upstreams:` entry may name (MonkeyCode is `upstream.url`). */
export const BEARER_PLATFORMS = ['runtime-api', 'cococat', 'aeio', 'tiangong'] as const;
export type BearerPlatformName = (typeof BEARER_PLATFORMS)[number];

const FACTORIES: Readonly<Record<BearerPlatformName, (options: BearerAdapterOptions) => BearerAdapter>> = {
  'runtime-api': createRuntimeApiAdapter,
  cococat: createCococatAdapter,
  aeio: createAeioAdapter,
  tiangong: createTiangongAdapter,
};

/** Build the adapter of one configured bearer-platform upstream. */
export function createBearerAdapter(
  platform: BearerPlatformName,
  options: BearerAdapterOptions,
): BearerAdapter {
  return FACTORIES[platform](options);
}
