import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { buildServices, type Services } from '../server/services.js';
import { openAsyncStore, type AsyncStore } from '../store/index.js';
import { createLogger } from '../util/logger.js';
import type { CliIo } from './io.js';

/** Flags every subcommand accepts (docs/architecture.md §1). */
export interface CommonFlags {
  config?: string;
  db?: string;
}

/** Add `-c/--config` and `--db` to a command. */
export function withCommonFlags(command: Command): Command {
  return command
    .option(
      '-c, --config <file>',
      'YAML config file (default: ./config.yaml when present, or $RELAYPOOL_CONFIG)',
    )
    .option(
      '--db <file|url>',
      'SQLite database file or postgres:// URL (default: data/relaypool.db, or $RELAYPOOL_DB)',
    );
}

/** Resolve the configuration for a command: defaults < YAML < env < these flags. */
export function resolveConfig(io: CliIo, flags: CommonFlags, extra: Record<string, unknown> = {}): Config {
  return loadConfig({
    file: flags.config,
    env: io.env,
    cwd: io.cwd,
    flags: { 'store.db': flags.db, ...extra },
  }).config;
}

/** Open the store for one command and always close it. */
export async function withStore<T>(config: Config, work: (store: AsyncStore) => Promise<T>): Promise<T> {
  const store = await openAsyncStore({
    db: config.store.db,
    secretKey: config.store.secretKey ?? undefined,
    keyFile: config.store.keyFile ?? undefined,
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** commander argument parser for a positive integer within `max` (usage error otherwise). */
export function intArg(name: string, max: number, min = 1): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** Build the shared services (store + upstream client) for one command and always close them. */
export async function withServices<T>(
  config: Config,
  work: (services: Services) => T | Promise<T>,
): Promise<T> {
  const logger = createLogger({
    level: config.log.level === 'info' ? 'warn' : config.log.level,
    destination: process.stderr,
  });
  const services = await buildServices(config, logger);
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
