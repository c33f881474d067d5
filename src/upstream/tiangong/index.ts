/** 天工 / Tiangong agent platform upstream (spec: docs/upstream/tiangong.md). */
import { BearerAdapter, type BearerAdapterOptions } from '../bearer/bearer-adapter.js';
import { tiangongPlatform } from './tiangong.js';

export { tiangongPlatform, BARE } from './tiangong.js';

/** An adapter for one Tiangong deployment. */
export function createTiangongAdapter(options: BearerAdapterOptions): BearerAdapter {
  return new BearerAdapter(tiangongPlatform, options);
}
