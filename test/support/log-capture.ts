import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/util/logger.js';

/** A real pino logger whose output lines are kept in memory for assertions. */
export function captureLogger(level = 'trace'): {
  logger: Logger;
  lines: () => string[];
  text: () => string;
} {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level, destination: sink });
  const text = (): string => chunks.join('');
  return { logger, text, lines: () => text().split('\n').filter(Boolean) };
}
