import { defaultConfig } from './schema.js';

/** Short variable names from docs/architecture.md §1, mapped to config paths. */
export const SHORT_ENV_NAMES: Readonly<Record<string, string>> = {
  RELAYPOOL_HOST: 'server.host',
  RELAYPOOL_PORT: 'server.port',
  RELAYPOOL_UPSTREAM_URL: 'upstream.url',
  RELAYPOOL_DB: 'store.db',
  RELAYPOOL_API_KEYS: 'auth.apiKeys',
  RELAYPOOL_ADMIN_TOKEN: 'auth.adminToken',
  RELAYPOOL_SECRET_KEY: 'store.secretKey',
  RELAYPOOL_LOG_LEVEL: 'log.level',
};

type Leaf = { path: string; sample: unknown };

/** Every leaf of the defaults, with its default value (to know how to read a string). */
export function configLeaves(value: unknown = defaultConfig(), prefix = ''): Leaf[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [{ path: prefix, sample: value }];
  return Object.entries(value).flatMap(([key, child]) =>
    configLeaves(child, prefix ? `${prefix}.${key}` : key),
  );
}

/** `upstream.turnTimeoutMs` → `RELAYPOOL_UPSTREAM_TURN_TIMEOUT_MS`. */
export function envNameForPath(path: string): string {
  const snake = path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
    .join('_');
  return `RELAYPOOL_${snake.toUpperCase()}`;
}

function coerce(raw: string, sample: unknown): unknown {
  const text = raw.trim();
  if (Array.isArray(sample))
    return text === ''
      ? []
      : text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
  if (typeof sample === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (typeof sample === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(text)) return true;
    if (/^(false|0|no|off)$/i.test(text)) return false;
    return text;
  }
  return text === '' && sample === null ? null : text;
}

/** A layer of settings read from the environment: `{ path → value, source }` entries. */
export function readEnvLayer(
  env: Readonly<Record<string, string | undefined>>,
): Map<string, { value: unknown; source: string }> {
  const layer = new Map<string, { value: unknown; source: string }>();
  const leaves = configLeaves();
  const sampleOf = new Map(leaves.map((leaf) => [leaf.path, leaf.sample]));
  for (const leaf of leaves) {
    const name = envNameForPath(leaf.path);
    const raw = env[name];
    if (raw !== undefined) layer.set(leaf.path, { value: coerce(raw, leaf.sample), source: name });
  }
  // Short names win over the generic ones: they are the documented contract.
  for (const [name, path] of Object.entries(SHORT_ENV_NAMES)) {
    const raw = env[name];
    if (raw !== undefined) layer.set(path, { value: coerce(raw, sampleOf.get(path)), source: name });
  }
  return layer;
}
