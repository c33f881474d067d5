import type { Config } from '../config/index.js';
import { createBearerAdapter } from '../upstream/platforms.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import { DEFAULT_UPSTREAM, UpstreamSet, type NamedUpstream } from '../upstream/upstream-set.js';
import type { Logger } from '../util/logger.js';

/**
 * Every upstream of the configuration behind one adapter: the default MonkeyCode upstream
 * (`upstream.url`, named `monkeycode`) plus each `upstreams:` entry.
 */
export function buildUpstreams(config: Config, logger: Logger, monkeycode: UpstreamAdapter): UpstreamSet {
  const named: NamedUpstream[] = [
    { name: DEFAULT_UPSTREAM, platform: 'monkeycode', url: config.upstream.url, adapter: monkeycode },
  ];
  for (const entry of config.upstreams) {
    const adapter = createBearerAdapter(entry.platform, {
      upstream: entry.name,
      baseUrl: entry.url,
      logger: logger.child({ component: 'upstream', upstream: entry.name }),
      requestTimeoutMs: config.upstream.requestTimeoutMs,
      turnTimeoutMs: config.upstream.turnTimeoutMs,
      pollIntervalMs: config.upstream.pollIntervalMs,
    });
    named.push({
      name: entry.name,
      platform: entry.platform,
      url: entry.url,
      adapter,
      adoptToken: (token) => adapter.adoptToken(token),
    });
  }
  return new UpstreamSet(named);
}
