import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line, at any of the first four nesting levels. */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'captchaToken',
  'captcha_token',
  'secret',
  'secretKey',
  'apiKey',
  'api_key',
  'apiKeys',
  'adminToken',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SECRET_FIELDS) {
    const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    const joined = key.startsWith('[') ? key : `.${key}`;
    paths.push(key.startsWith('[') ? key : field, `*${joined}`, `*.*${joined}`, `*.*.*${joined}`);
  }
  return paths;
}

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  destination?: DestinationStream;
  /** Static fields bound to every line. */
  base?: Record<string, unknown>;
}

/** The one root logger of a process; children carry request ids, account ids, etc. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? { name: 'relaypool' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/**
 * A child of `logger` without the redaction pass, for lines whose fields are fixed by the caller
 * and can never hold a secret (the access log: request id, method, path, status, time). With the
 * wildcard paths above, redaction costs ~50 µs a line against ~3 µs for writing it. Never log
 * request bodies, headers, upstream answers or errors through it.
 */
export function fixedFieldLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

/**
 * Human-readable lines for a terminal (pino-pretty, loaded only when asked for): time, level,
 * message, then the fields. Redaction still happens first, in the logger itself.
 */
export async function prettyDestination(): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    sync: true,
  });
}
