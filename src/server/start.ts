import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config/index.js';
import { ResponseArchive } from '../conversations/response-archive.js';
import { createChatCompletionIds, createResponseIds } from '../openai/index.js';
import { buildPoolReport } from '../pool/pool-report.js';
import { runStatelessTurn } from '../pool/run-turn.js';
import { summarizePool } from '../pool/status.js';
import { watchStore } from '../pool/store-watch.js';
import { systemTimers } from '../upstream/timing.js';
import type { Logger } from '../util/logger.js';
import { createApp } from './app.js';
import { buildServices, type ServiceOverrides, type Services } from './services.js';
import { readVersion } from './version.js';

/** A listening relaypool; `close()` drains and releases everything (idempotent). */
export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  close(reason?: string): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  overrides?: ServiceOverrides;
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    let server: Server | undefined;
    const onError = (err: Error): void => reject(err);
    server = serve({ fetch: app.fetch, hostname: host, port }, () => {
      server?.off('error', onError);
      resolve(server as Server);
    }) as Server;
    server.once('error', onError);
  });
}

/** Track requests whose responses are still open, so shutdown can wait for them. */
function trackInFlight(server: Server): { count(): number; drained(): Promise<void> } {
  let open = 0;
  let waiters: Array<() => void> = [];
  server.on('request', (_req, res) => {
    open += 1;
    res.once('close', () => {
      open -= 1;
      if (open === 0) for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    count: () => open,
    drained: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/** Composition root: open the store, build the app, listen. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const services = buildServices(config, logger, options.overrides);
  const { store, now, pool } = services;
  const responseIds = createResponseIds();
  const maxPerAccount = config.pool.maxConcurrentPerAccount;
  const app = createApp({
    logger,
    version: readVersion(),
    bodyLimitBytes: config.server.bodyLimitBytes,
    now,
    poolStatus: () => summarizePool(store.accounts.list(), pool.inFlight(), maxPerAccount, now()),
    admin: {
      adminToken: config.auth.adminToken,
      poolReport: () => buildPoolReport(store, pool.inFlight(), pool.queued(), maxPerAccount, now()),
    },
    v1: {
      catalog: services.catalog,
      runTurn: (turn, signal) => runStatelessTurn(services.turnDeps, turn, signal),
      clientTools: config.openai.clientTools,
      reasoning: config.openai.reasoning,
      toolActivity: config.openai.toolActivity,
      keepAliveMs: config.stream.keepAliveMs,
      logger,
      newCompletionId: createChatCompletionIds(),
      now,
      responses: {
        catalog: services.catalog,
        archive: new ResponseArchive(store),
        runTurn: (turn, signal) => runStatelessTurn(services.turnDeps, turn, signal),
        clientTools: config.openai.clientTools,
        reasoning: config.openai.reasoning === 'hide' ? 'hide' : 'summary',
        toolActivity: config.openai.toolActivity,
        keepAliveMs: config.stream.keepAliveMs,
        logger,
        newIds: () => responseIds,
        now,
      },
    },
  });
  let server: Server;
  try {
    server = await listen(app, config.server.host, config.server.port);
  } catch (err) {
    services.close();
    throw err;
  }
  // Crash recovery: tasks a dead process left running are stopped; until each stop is done its
  // account's slot stays taken, so no request runs into the platform's concurrency limit.
  const orphans = services.reaper.claimOrphans();
  for (const orphan of orphans) pool.hold(orphan.accountId, orphan.stopped);
  const orphansStopped = Promise.all(orphans.map((orphan) => orphan.stopped));
  const stopWatching = watchStore(() => pool.checkForChanges(), options.overrides?.timers ?? systemTimers, config.pool.watchIntervalMs, logger);
  services.monitor.start();
  const inFlight = trackInFlight(server);
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  logger.info({ host: config.server.host, port, db: config.store.db }, 'relaypool listening');

  let closing: Promise<void> | undefined;
  const close = (reason = 'shutdown'): Promise<void> => {
    closing ??= (async () => {
      logger.info({ reason, inFlight: inFlight.count() }, 'shutting down');
      stopWatching();
      pool.close();
      const monitorStopped = services.monitor.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.server.shutdownGraceMs, 'timeout').unref());
      if ((await Promise.race([inFlight.drained(), grace])) === 'timeout') {
        logger.warn({ inFlight: inFlight.count() }, 'grace period over; cancelling in-flight requests');
      }
      server.closeAllConnections();
      await stopped;
      await orphansStopped;
      await monitorStopped;
      await services.reaper.drain(config.server.shutdownGraceMs);
      services.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { url: `http://${host}:${port}`, port, services, close };
}
