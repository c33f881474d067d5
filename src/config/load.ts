import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.js';
import { readEnvLayer } from './env.js';
import { configSchema, type Config } from './schema.js';

/** Raised when configuration cannot be read or validated; the message lists every bad key. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** YAML file from `-c`; wins over `RELAYPOOL_CONFIG`. */
  file?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  /** CLI flags as `path → value`, e.g. `{ 'server.port': 8080 }` (highest precedence). */
  flags?: Readonly<Record<string, unknown>>;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The YAML file that was read, or null when none was. */
  file: string | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setPath(target: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isObject(next)) node[part] = {};
    node = node[part] as Json;
  }
  node[parts[parts.length - 1]!] = value;
}

function pickFile(options: LoadConfigOptions, cwd: string): { path: string; explicit: boolean } | null {
  const explicit = options.file ?? options.env?.RELAYPOOL_CONFIG;
  if (explicit !== undefined && explicit !== '') return { path: resolve(cwd, explicit), explicit: true };
  const implicit = resolve(cwd, 'config.yaml');
  return existsSync(implicit) ? { path: implicit, explicit: false } : null;
}

function readYaml(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = isObject(err) && typeof err.code === 'string' ? err.code : 'unreadable';
    throw new ConfigError(
      code === 'ENOENT' ? `config file not found: ${path}` : `cannot read config file ${path} (${code})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`config file ${path} is not valid YAML: ${detail}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isObject(parsed))
    throw new ConfigError(`config file ${path} must contain a mapping of keys, not a ${typeof parsed}`);
  return parsed;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], sources: Map<string, string>): string {
  const lines: string[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${base ? `${base}.` : ''}${key}: unknown key`);
      continue;
    }
    const source = sources.get(base);
    lines.push(`${base || '(root)'}: ${issue.message}${source ? ` (from ${source})` : ''}`);
  }
  return lines.join('\n  ');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Build the configuration: defaults < YAML < environment < flags, validated with zod and frozen.
 * Throws one `ConfigError` that names every bad key by path.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = pickFile(options, cwd);
  const raw: Json = file ? readYaml(file.path) : {};
  const sources = new Map<string, string>();
  for (const [path, { value, source }] of readEnvLayer(options.env ?? {})) {
    setPath(raw, path, value);
    sources.set(path, source);
  }
  for (const [path, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    sources.set(path, `--${path.split('.').pop()}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const where = file ? ` (file: ${file.path})` : '';
    throw new ConfigError(`invalid configuration${where}:\n  ${formatIssues(result.error.issues, sources)}`);
  }
  return { config: deepFreeze(result.data), file: file?.path ?? null };
}
