import { z } from 'zod';

const port = z
  .number({ error: 'expected an integer 0-65535' })
  .int('expected an integer 0-65535')
  .min(0, 'expected an integer 0-65535')
  .max(65535, 'expected an integer 0-65535');
const ms = (min: number) =>
  z
    .number({ error: `expected a duration in ms (integer >= ${min})` })
    .int(`expected a duration in ms (integer >= ${min})`)
    .min(min, `expected a duration in ms (integer >= ${min})`);
const intFrom = (min: number, max: number) =>
  z
    .number({ error: `expected an integer ${min}-${max}` })
    .int(`expected an integer ${min}-${max}`)
    .min(min, `expected an integer ${min}-${max}`)
    .max(max, `expected an integer ${min}-${max}`);
const positiveInt = (max: number) => intFrom(1, max);
const nonEmpty = z.string({ error: 'expected a non-empty string' }).min(1, 'expected a non-empty string');
const httpUrl = z
  .string({ error: 'expected an http(s) URL' })
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), 'expected an http(s) URL');

const serverSchema = z.strictObject({
  host: nonEmpty.default('127.0.0.1'),
  port: port.default(9090),
  bodyLimitBytes: positiveInt(256 * 1024 * 1024).default(4 * 1024 * 1024),
  shutdownGraceMs: ms(0).default(10_000),
});

const resourceSchema = z.strictObject({
  core: positiveInt(64).default(2),
  memory: positiveInt(Number.MAX_SAFE_INTEGER).default(8_589_934_592),
  life: positiveInt(10_800).default(10_800),
});

const readinessSchema = z.strictObject({
  denseIntervalMs: ms(1).default(100),
  history: intFrom(0, 1000).default(20),
});

const upstreamSchema = z.strictObject({
  url: httpUrl.default('https://monkeycode-ai.com'),
  baizhiUrl: httpUrl.default('https://baizhi.cloud'),
  requestTimeoutMs: ms(100).default(30_000),
  turnTimeoutMs: ms(1000).default(600_000),
  vmReadyTimeoutMs: ms(1000).default(300_000),
  pollIntervalMs: ms(10).default(1_000),
  readiness: readinessSchema.prefault({}),
  socketIdleTimeoutMs: ms(100).default(25_000),
  maxReattaches: z
    .number({ error: 'expected an integer 0-100' })
    .int('expected an integer 0-100')
    .min(0, 'expected an integer 0-100')
    .max(100, 'expected an integer 0-100')
    .default(5),
  deleteTasks: z.boolean({ error: 'expected true or false' }).default(false),
  resource: resourceSchema.prefault({}),
});

const UPSTREAM_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** `name=platform@url`, the one-line form of an `upstreams:` entry (for RELAYPOOL_UPSTREAMS). */
function upstreamFromLine(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^([^=\s]+)=([^@\s]+)@(\S+)$/.exec(value.trim());
  return match === null ? value : { name: match[1], platform: match[2], url: match[3] };
}

const upstreamEntrySchema = z.preprocess(
  upstreamFromLine,
  z.strictObject(
    {
      name: z
        .string({ error: 'expected a name' })
        .regex(UPSTREAM_NAME, 'expected a lower-case name: letters, digits, dashes (max 32)')
        .refine(
          (name) => !name.startsWith('monkeycode'),
          'names starting with monkeycode are reserved (the default upstream and its model names)',
        ),
      platform: z.enum(['runtime-api', 'cococat', 'aeio', 'tiangong'], {
        error: 'expected one of runtime-api, cococat, aeio, tiangong',
      }),
      url: httpUrl,
    },
    { error: 'expected {name, platform, url} or "name=platform@url"' },
  ),
);

const upstreamsSchema = z
  .array(upstreamEntrySchema, { error: 'expected a list of upstreams' })
  .refine((list) => new Set(list.map((u) => u.name)).size === list.length, 'upstream names must be unique')
  .default([]);

const poolSchema = z
  .strictObject({
    strategy: z
      .enum(['least-busy', 'round-robin', 'fill-first'], {
        error: 'expected one of least-busy, round-robin, fill-first',
      })
      .default('least-busy'),
    maxConcurrentPerAccount: positiveInt(64).default(1),
    queueTimeoutMs: ms(0).default(30_000),
    failoverRounds: intFrom(0, 20).default(3),
    backoffBaseMs: ms(10).default(1_000),
    backoffMaxMs: ms(10).default(300_000),
    concurrencyCooldownMs: ms(0).default(5_000),
    creditsCooldownMs: ms(0).default(3_600_000),
    modelCooldownMs: ms(0).default(3_600_000),
    healthCheckIntervalMs: ms(1000).default(300_000),
    reloginBeforeExpiryMs: ms(0).default(86_400_000),
    watchIntervalMs: ms(50).default(500),
    processTtlMs: ms(3000).default(10_000),
  })
  .refine((pool) => pool.backoffMaxMs >= pool.backoffBaseMs, {
    path: ['backoffMaxMs'],
    message: 'expected a duration >= pool.backoffBaseMs',
  });

const streamSchema = z.strictObject({
  keepAliveMs: ms(100).default(15_000),
});

const openaiSchema = z.strictObject({
  clientTools: z.enum(['ignore', 'reject'], { error: 'expected ignore or reject' }).default('ignore'),
  reasoning: z
    .enum(['field', 'hide', 'think-tags'], { error: 'expected one of field, hide, think-tags' })
    .default('field'),
  toolActivity: z.enum(['hide', 'text'], { error: 'expected hide or text' }).default('hide'),
  defaultModel: nonEmpty.nullable().default(null),
  modelAliases: z
    .record(z.string().min(1, 'alias names must be non-empty'), nonEmpty, {
      error: 'expected a mapping of alias → upstream model name',
    })
    .default({}),
});

const anthropicSchema = z.strictObject({
  // Model names Anthropic clients send → a model or alias of the pool (null: openai.defaultModel);
  // a key ending in * matches by prefix.
  modelAliases: z
    .record(z.string().min(1, 'alias names must be non-empty'), nonEmpty.nullable(), {
      error: 'expected a mapping of model name (or prefix*) → pool model, or null for openai.defaultModel',
    })
    .default({ 'claude-*': null }),
});

const conversationsSchema = z.strictObject({
  idleTtlMs: ms(0).default(600_000),
  reuseWhenStoreFalse: z.boolean({ error: 'expected true or false' }).default(false),
});

const warmSchema = z.strictObject({
  size: z
    .number({ error: 'expected an integer 0-64' })
    .int('expected an integer 0-64')
    .min(0, 'expected an integer 0-64')
    .max(64, 'expected an integer 0-64')
    .default(0),
  model: nonEmpty.nullable().default(null),
  maxIdleMs: ms(1000).default(1_800_000),
  bootstrapPrompt: nonEmpty.default('Reply with the single word: ready'),
});

const authSchema = z.strictObject({
  apiKeys: z.array(nonEmpty, { error: 'expected a list of non-empty strings' }).default([]),
  adminToken: nonEmpty.nullable().default(null),
});

const storeSchema = z.strictObject({
  db: nonEmpty.default('data/relaypool.db'),
  secretKey: nonEmpty.nullable().default(null),
  keyFile: nonEmpty.nullable().default(null),
});

const logSchema = z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  format: z.enum(['auto', 'json', 'pretty'], { error: 'expected one of auto, json, pretty' }).default('auto'),
});

/** The whole configuration; every key has a default (see config.example.yaml). */
export const configSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    upstream: upstreamSchema.prefault({}),
    upstreams: upstreamsSchema,
    pool: poolSchema.prefault({}),
    stream: streamSchema.prefault({}),
    openai: openaiSchema.prefault({}),
    anthropic: anthropicSchema.prefault({}),
    conversations: conversationsSchema.prefault({}),
    warm: warmSchema.prefault({}),
    auth: authSchema.prefault({}),
    store: storeSchema.prefault({}),
    log: logSchema.prefault({}),
  })
  .refine(
    (config) => config.warm.size === 0 || config.warm.model !== null || config.openai.defaultModel !== null,
    {
      path: ['warm', 'model'],
      message: 'warm.size > 0 needs a model: set warm.model or openai.defaultModel',
    },
  );

/** Validated, frozen configuration. */
export type Config = Readonly<z.infer<typeof configSchema>>;

/** The built-in defaults (what an empty YAML file yields). */
export function defaultConfig(): z.infer<typeof configSchema> {
  return configSchema.parse({});
}
