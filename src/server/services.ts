import type { Config } from '../config/index.js';
import { AccountPool, type PoolOptions } from '../pool/account-pool.js';
import { AccountService } from '../pool/account-service.js';
import { HealthMonitor } from '../pool/health-monitor.js';
import { OperatorLogin } from '../pool/operator-login.js';
import { ModelCatalog } from '../pool/model-catalog.js';
import type { TurnRunnerDeps } from '../pool/run-turn.js';
import { TaskReaper } from '../pool/task-reaper.js';
import { openStore, type Store } from '../store/index.js';
import { createMonkeyCodeAdapter } from '../upstream/monkeycode/index.js';
import { createOperatorLogin } from '../upstream/monkeycode/oauth-login.js';
import type { OperatorLoginFlows } from '../upstream/operator-login.js';
import { systemTimers, type Timers } from '../upstream/timing.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';
import type { PoolObserver } from '../pool/pool-observer.js';

/** Everything long-lived that the server and the CLI share, built in one place. */
export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  adapter: UpstreamAdapter;
  catalog: ModelCatalog;
  pool: AccountPool;
  reaper: TaskReaper;
  accounts: AccountService;
  /** Operator-driven SMS and OAuth-callback logins (pending logins in memory). */
  operatorLogin: OperatorLogin;
  /** The periodic session check; built here, started only by the server. */
  monitor: HealthMonitor;
  /** What `runStatelessTurn` needs. */
  turnDeps: TurnRunnerDeps;
  now: () => number;
  close(): void;
}

export interface ServiceOverrides {
  now?: () => number;
  timers?: Timers;
  random?: () => number;
  adapter?: UpstreamAdapter;
  /** The SMS / OAuth-callback login flows (default: MonkeyCode + Baizhi-Cloud from the config). */
  operatorLoginFlows?: OperatorLoginFlows;
  /** Told about tasks, upstream failures and queue waits (the server's metrics). */
  observer?: PoolObserver;
}

/** The pool's settings from the configuration. */
export function poolOptions(config: Config): PoolOptions {
  const pool = config.pool;
  return {
    strategy: pool.strategy,
    maxConcurrentPerAccount: pool.maxConcurrentPerAccount,
    queueTimeoutMs: pool.queueTimeoutMs,
    retryHintMs: pool.healthCheckIntervalMs,
    timings: {
      backoffBaseMs: pool.backoffBaseMs,
      backoffMaxMs: pool.backoffMaxMs,
      concurrencyCooldownMs: pool.concurrencyCooldownMs,
      creditsCooldownMs: pool.creditsCooldownMs,
      modelCooldownMs: pool.modelCooldownMs,
    },
  };
}

function buildAdapter(config: Config, logger: Logger): UpstreamAdapter {
  return createMonkeyCodeAdapter({
    baseUrl: config.upstream.url,
    logger: logger.child({ component: 'upstream' }),
    requestTimeoutMs: config.upstream.requestTimeoutMs,
    pollIntervalMs: config.upstream.pollIntervalMs,
    vmReadyTimeoutMs: config.upstream.vmReadyTimeoutMs,
    turnTimeoutMs: config.upstream.turnTimeoutMs,
    socketIdleTimeoutMs: config.upstream.socketIdleTimeoutMs,
    resource: config.upstream.resource,
  });
}

/** Build the services for one process (composition root, design §2). Starts no timer. */
export function buildServices(config: Config, logger: Logger, overrides: ServiceOverrides = {}): Services {
  const now = overrides.now ?? Date.now;
  const clock = { now };
  const timers = overrides.timers ?? systemTimers;
  const store = openStore({ file: config.store.db, secretKey: config.store.secretKey ?? undefined, keyFile: config.store.keyFile ?? undefined });
  const adapter = overrides.adapter ?? buildAdapter(config, logger);
  const catalog = new ModelCatalog(() => pool?.modelNames() ?? new Set<string>(), {
    defaultModel: config.openai.defaultModel,
    aliases: config.openai.modelAliases,
  });
  const reaper = new TaskReaper({ store, adapter, logger: logger.child({ component: 'reaper' }), deleteTasks: config.upstream.deleteTasks, ...(overrides.observer ? { observer: overrides.observer } : {}) });
  let pool: AccountPool | null = null;
  const accounts = new AccountService({ store, adapter, logger, now, timers, onChange: () => pool?.invalidate() });
  pool = new AccountPool({
    store,
    logger: logger.child({ component: 'pool' }),
    clock,
    timers,
    options: poolOptions(config),
    relogin: (id, reason) => accounts.refresh(id, { forceLogin: reason === 'proactive' }),
    stopStrays: (id, keep) => void reaper.stopStrays(id, keep),
  });
  const monitor = new HealthMonitor({
    store,
    adapter,
    pool,
    logger: logger.child({ component: 'health' }),
    clock,
    timers,
    random: overrides.random ?? Math.random,
    intervalMs: config.pool.healthCheckIntervalMs,
    reloginBeforeExpiryMs: config.pool.reloginBeforeExpiryMs,
  });
  const flows =
    overrides.operatorLoginFlows ??
    createOperatorLogin({
      baseUrl: config.upstream.url,
      baizhiUrl: config.upstream.baizhiUrl,
      clock,
      timers,
      logger: logger.child({ component: 'operator-login' }),
      requestTimeoutMs: config.upstream.requestTimeoutMs,
    });
  const operatorLogin = new OperatorLogin({ flows, accounts, logger: logger.child({ component: 'operator-login' }), now });
  const turnDeps: TurnRunnerDeps = {
    store,
    adapter,
    pool,
    reaper,
    logger,
    turnTimeoutMs: config.upstream.turnTimeoutMs,
    vmReadyTimeoutMs: config.upstream.vmReadyTimeoutMs,
    failoverRounds: config.pool.failoverRounds,
    now,
    ...(overrides.observer ? { observer: overrides.observer } : {}),
  };
  return { config, logger, store, adapter, catalog, pool, reaper, accounts, operatorLogin, monitor, turnDeps, now, close: () => store.close() };
}
