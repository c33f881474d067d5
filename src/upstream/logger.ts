/** One log method: structured fields first, then a short message (the shape pino uses). */
export type LogMethod = (fields: Record<string, unknown>, message?: string) => void;

/**
 * The minimal logger the upstream adapters need. A pino logger satisfies it; adapters never import
 * pino. Fields must never contain cookies, passwords or prompt text.
 */
export interface UpstreamLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const noop: LogMethod = () => {};

/** A logger that drops everything (the default when none is injected). */
export const silentLogger: UpstreamLogger = { debug: noop, info: noop, warn: noop, error: noop };
