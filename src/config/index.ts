export { configSchema, defaultConfig, type Config } from './schema.js';
export { loadConfig, ConfigError, type LoadConfigOptions, type LoadedConfig } from './load.js';
export { envNameForPath, configLeaves, SHORT_ENV_NAMES } from './env.js';
