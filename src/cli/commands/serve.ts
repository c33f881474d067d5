import type { Command } from 'commander';
import { checkBindPolicy } from '../../server/bind-policy.js';
import { startServer } from '../../server/start.js';
import { createLogger, prettyDestination } from '../../util/logger.js';
import { intArg, resolveConfig, withCommonFlags, type CommonFlags } from '../context.js';
import type { CliIo } from '../io.js';

interface ServeFlags extends CommonFlags {
  host?: string;
  port?: number;
}

async function serve(io: CliIo, flags: ServeFlags): Promise<void> {
  const config = resolveConfig(io, flags, { 'server.host': flags.host, 'server.port': flags.port });
  checkBindPolicy(config);
  const pretty = config.log.format === 'pretty' || (config.log.format === 'auto' && io.isTty);
  const logger = createLogger({
    level: config.log.level,
    ...(pretty ? { destination: await prettyDestination() } : {}),
  });
  const server = await startServer({ config, logger });
  io.stdout(`relaypool listening on ${server.url} (OpenAI base URL: ${server.url}/v1)\n`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      void server.close(signal).then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `relaypool serve`. */
export function registerServe(program: Command, io: CliIo): void {
  withCommonFlags(
    program
      .command('serve')
      .description('run the OpenAI-compatible proxy server')
      .option('--host <host>', 'listen address (default 127.0.0.1, or $RELAYPOOL_HOST)')
      .option(
        '--port <n>',
        'listen port (default 9090, or $RELAYPOOL_PORT; 0 = any free port)',
        intArg('--port', 65535, 0),
      ),
  ).action((flags: ServeFlags) => serve(io, flags));
}
