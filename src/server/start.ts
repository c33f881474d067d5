import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config/index.js';
import { AnthropicModels, createMessageIds } from '../anthropic/index.js';
import { ResponseArchive } from '../conversations/response-archive.js';
import { createChatCompletionIds, createResponseIds } from '../openai/index.js';
import { discoverAccounts, refreshAccountList, refreshableIds } from '../pool/account-operations.js';
import { buildPoolReport, type PoolReport } from '../pool/pool-report.js';
import { summarizePool } from '../pool/status.js';
import { watchStore } from '../pool/slots.js';
import { systemTimers } from '../util/timing.js';
import { ServiceUnavailableError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { createApp } from './app.js';
import { takeOverDeadProcesses } from '../pool/dead-processes.js';
import { startHousekeeping } from './housekeeping.js';
import { fullCollection, startQuietGc } from './quiet-gc.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { routeLabel } from './metrics/route-label.js';
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
    const onError = (err: Error): void => reject(err);
    const server: Server = serve({ fetch: app.fetch, hostname: host, port }, () => {
      server.off('error', onError);
      resolve(server);
    }) as Server;
    server.once('error', onError);
  });
}

/** Track requests whose responses are still open, so shutdown can wait for them; observe each one's duration. */
function trackInFlight(server: Server, metrics: Metrics): { count(): number; drained(): Promise<void> } {
  let open = 0;
  const waiters: Array<() => void> = [];
  server.on('request', (req, res) => {
    open += 1;
    const started = performance.now();
    res.once('close', () => {
      metrics.requestFinished(
        req.method ?? 'GET',
        routeLabel(req.url ?? ''),
        (performance.now() - started) / 1000,
      );
      open -= 1;
      if (open === 0) for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    count: () => open,
    drained: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/** How long cancelled requests get to write their last frame before their connections are cut. */
const CANCEL_WAIT_MS = 1000;
/** How often the store is looked at while requests wait for a slot (another process may free one). */
const WAITING_WATCH_MS = 50;

const EMPTY_REPORT: PoolReport = {
  mode: 'pool',
  total: 0,
  active: 0,
  expired: 0,
  invalid: 0,
  locked: 0,
  cooling: 0,
  disabled: 0,
  unverified: 0,
  inFlight: 0,
  idleTasks: 0,
  elsewhere: 0,
  queued: 0,
  upstreams: {},
  accounts: [],
};

/** Composition root: open the store, build the app, listen. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const maxPerAccount = config.pool.maxConcurrentPerAccount;
  // The metrics exist before the services so the pool reports into them; the pool report they
  // read is only called at scrape time, once the services are built.
  let report: (() => Promise<PoolReport>) | null = null;
  const metrics = createMetrics(
    () => report?.() ?? Promise.resolve(EMPTY_REPORT),
    options.overrides?.now ?? Date.now,
  );
  const services = await buildServices(config, logger, { ...options.overrides, observer: metrics.observer });
  const { store, now, pool } = services;
  const poolReport = () =>
    buildPoolReport(
      store,
      pool.inFlight(),
      pool.queued(),
      maxPerAccount,
      now(),
      pool.idleCounts(),
      pool.elsewhere(),
    );
  report = poolReport;
  const responseIds = createResponseIds();
  // Aborted once the shutdown grace period is over: in-flight turns fail with this reason, so a
  // stream ends with its error frame (and its task is stopped) instead of a cut connection.
  const shutdown = new AbortController();
  const refresh = async ({ skipInvalid }: { skipInvalid: boolean }) =>
    refreshAccountList(services.accounts, store, await refreshableIds(store, { skipInvalid }));
  const listAccounts = () => store.accounts.list();
  const app = createApp({
    logger,
    version: readVersion(),
    bodyLimitBytes: config.server.bodyLimitBytes,
    now,
    poolStatus: async () =>
      summarizePool(
        await store.accounts.list(),
        pool.inFlight(),
        maxPerAccount,
        now(),
        pool.idleCounts(),
        pool.elsewhere(),
      ),
    auth: { apiKeys: config.auth.apiKeys, hashKey: (key) => store.hashClientKey(key) },
    metrics,
    admin: {
      adminToken: config.auth.adminToken,
      poolReport,
      discover: () => discoverAccounts(store, services.adapter),
      refresh,
      modelIds: () => services.catalog.list().map((entry) => entry.id),
      accounts: services.accounts,
      login: services.operatorLogin,
      listAccounts,
      getAccount: (id) => store.accounts.get(id),
    },
    dashboard: {
      poolReport,
      listAccounts,
      usageSince: (since) => store.usage.aggregate({ since }),
      usageByModel: (since, bucketMs) => store.usage.bucketsByModel(since, bucketMs),
      usageByClientKey: (since, bucketMs) => store.usage.bucketsByClientKey(since, bucketMs),
      catalog: () => services.catalog.list(),
      accountModels: () => store.models.listAll(),
      accounts: services.accounts,
      refresh,
    },
    v1: {
      catalog: services.catalog,
      conversations: services.conversations,
      clientTools: config.openai.clientTools,
      reasoning: config.openai.reasoning,
      toolActivity: config.openai.toolActivity,
      keepAliveMs: config.stream.keepAliveMs,
      logger,
      newCompletionId: createChatCompletionIds(),
      now,
      shutdown: shutdown.signal,
      responses: {
        catalog: services.catalog,
        archive: new ResponseArchive(store),
        conversations: services.conversations,
        reuseWhenStoreFalse: config.conversations.reuseWhenStoreFalse,
        clientTools: config.openai.clientTools,
        reasoning: config.openai.reasoning === 'hide' ? 'hide' : 'summary',
        toolActivity: config.openai.toolActivity,
        keepAliveMs: config.stream.keepAliveMs,
        logger,
        newIds: () => responseIds,
        now,
        shutdown: shutdown.signal,
      },
      messages: {
        models: new AnthropicModels(services.catalog, {
          aliases: config.anthropic.modelAliases,
          defaultModel: config.openai.defaultModel,
          recheck: () => services.catalog.refresh(),
        }),
        conversations: services.conversations,
        clientTools: config.openai.clientTools,
        reasoning: config.openai.reasoning === 'hide' ? 'hide' : 'show',
        toolActivity: config.openai.toolActivity,
        keepAliveMs: config.stream.keepAliveMs,
        logger,
        newMessageId: createMessageIds(),
        shutdown: shutdown.signal,
      },
    },
  });
  let server: Server;
  try {
    server = await listen(app, config.server.host, config.server.port);
  } catch (err) {
    await services.close();
    throw err;
  }
  // Crash recovery, at start and after every heartbeat: what dead processes left is taken over.
  const takeOver = {
    store,
    pool,
    reaper: services.reaper,
    idleTtlMs: config.conversations.idleTtlMs,
    logger,
  };
  const takenOver = new Set<Promise<void>>();
  await pool.startHeartbeat(async () => {
    const { stopped } = await takeOverDeadProcesses(takeOver);
    takenOver.add(stopped);
    void stopped.finally(() => takenOver.delete(stopped));
  });
  const orphansStopped = Promise.all(takenOver); // the first beat has run
  const stopHousekeeping = startHousekeeping(store, options.overrides?.timers ?? systemTimers, now, logger);
  const stopWatching = watchStore(
    async () => {
      await pool.poll();
      await services.reaper.retryPendingStops(); // sessions the CLI stored
    },
    options.overrides?.timers ?? systemTimers,
    // While requests wait, a slot another process frees is looked for often (a cheap PRAGMA).
    () =>
      pool.queued() > 0
        ? Math.min(WAITING_WATCH_MS, config.pool.watchIntervalMs)
        : config.pool.watchIntervalMs,
    logger,
  );
  services.monitor.start();
  // Warm tasks boot only once the orphans' slots are free again.
  void orphansStopped.then(() => services.warm.nudge());
  const inFlight = trackInFlight(server, metrics);
  const stopQuietGc = startQuietGc({
    timers: options.overrides?.timers ?? systemTimers,
    inFlight: () => inFlight.count(),
    rss: () => process.memoryUsage.rss(),
    collect: () => {
      const before = process.memoryUsage.rss();
      fullCollection();
      const freedMb = Math.round((before - process.memoryUsage.rss()) / 2 ** 20);
      logger.debug({ freedMb }, 'quiet after a burst: full GC');
    },
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  logger.info({ host: config.server.host, port, db: config.store.db }, 'relaypool listening');

  let closing: Promise<void> | undefined;
  const close = (reason = 'shutdown'): Promise<void> => {
    closing ??= (async () => {
      logger.info({ reason, inFlight: inFlight.count() }, 'shutting down');
      stopWatching();
      stopHousekeeping();
      stopQuietGc();
      services.warm.close();
      pool.close();
      const monitorStopped = services.monitor.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<'timeout'>((resolve) =>
        setTimeout(resolve, config.server.shutdownGraceMs, 'timeout').unref(),
      );
      if ((await Promise.race([inFlight.drained(), grace])) === 'timeout') {
        logger.warn({ inFlight: inFlight.count() }, 'grace period over; cancelling in-flight requests');
        shutdown.abort(new ServiceUnavailableError('relaypool is shutting down; retry the request'));
        // The cancelled turns write their error frames and end their responses within a tick or
        // two; connections still open after this short wait are cut.
        const cut = new Promise<void>((resolve) => setTimeout(resolve, CANCEL_WAIT_MS).unref());
        await Promise.race([inFlight.drained(), cut]);
      }
      server.closeAllConnections();
      await stopped;
      await monitorStopped;
      // Before waiting for the taken-over stops: drain gives up stops parked until an account has a
      // session again (they stay unfinished for the next start), which would otherwise never end.
      await services.reaper.drain(config.server.shutdownGraceMs);
      await Promise.all(takenOver);
      await pool.leave();
      await services.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { url: `http://${host}:${port}`, port, services, close };
}
