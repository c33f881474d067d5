import type { Config } from '../config/index.js';
import { AccountPool, type PoolOptions } from '../pool/account-pool.js';
import { AccountService } from '../pool/account-service.js';
import { HealthMonitor } from '../pool/health-monitor.js';
import { OperatorLogin } from '../pool/operator-login.js';
import { ModelCatalog } from '../pool/model-catalog.js';
import { runPooledTurn, type PooledTurnDeps } from '../pool/pooled-turn.js';
import { durableBindings, memoryBindings } from '../conversations/bindings.js';
import { ConversationService } from '../conversations/conversation-service.js';
import { WarmTasks } from '../conversations/warm-tasks.js';
import { randomUUID } from 'node:crypto';
import { TaskReaper } from '../pool/task-reaper.js';
import { openAsyncStore, type AsyncStore } from '../store/index.js';
import { createMonkeyCodeAdapter } from '../upstream/monkeycode/index.js';
import { createOperatorLogin } from '../upstream/monkeycode/oauth-login.js';
import type { OperatorLoginFlows } from '../upstream/operator-login-flows.js';
import { systemTimers, type Timers } from '../util/timing.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import type { UpstreamSet } from '../upstream/upstream-set.js';
import { buildUpstreams } from './build-upstreams.js';
import type { Logger } from '../util/logger.js';
import type { PoolObserver } from '../pool/account-pool-types.js';

/** Everything long-lived that the server and the CLI share, built in one place. */
export interface Services {
  config: Config;
  logger: Logger;
  store: AsyncStore;
  /** Every upstream (MonkeyCode + `upstreams:`) behind one adapter that routes by session. */
  adapter: UpstreamAdapter;
  upstreams: UpstreamSet;
  catalog: ModelCatalog;
  pool: AccountPool;
  reaper: TaskReaper;
  accounts: AccountService;
  /** Operator-driven SMS and OAuth-callback logins (pending logins in memory). */
  operatorLogin: OperatorLogin;
  /** The periodic session check; built here, started only by the server. */
  monitor: HealthMonitor;
  /** What `runPooledTurn` needs. */
  turnDeps: PooledTurnDeps;
  /** Conversation continuity on kept tasks (what the /v1 routes run turns through). */
  conversations: ConversationService;
  /** Pre-booted tasks (`warm.size`); built here, started only by the server. */
  warm: WarmTasks;
  now: () => number;
  close(): Promise<void>;
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

/** Bindings kept in memory for `conversations.reuseWhenStoreFalse` (least recently bound dropped first). */
const MEMORY_BINDINGS = 10_000;

/** The pool's settings from the configuration. */
export function poolOptions(config: Config): PoolOptions {
  const pool = config.pool;
  return {
    strategy: pool.strategy,
    maxConcurrentPerAccount: pool.maxConcurrentPerAccount,
    queueTimeoutMs: pool.queueTimeoutMs,
    retryHintMs: pool.healthCheckIntervalMs,
    processTtlMs: pool.processTtlMs,
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
    readiness: config.upstream.readiness,
    vmReadyTimeoutMs: config.upstream.vmReadyTimeoutMs,
    turnTimeoutMs: config.upstream.turnTimeoutMs,
    socketIdleTimeoutMs: config.upstream.socketIdleTimeoutMs,
    maxReattaches: config.upstream.maxReattaches,
    resource: config.upstream.resource,
  });
}

/**
 * Build the services for one process (composition root, docs/architecture.md §2): open the store
 * (SQLite file or PostgreSQL URL) and read the accounts. Starts no timer.
 */
export async function buildServices(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<Services> {
  const store = await openAsyncStore({
    db: config.store.db,
    secretKey: config.store.secretKey ?? undefined,
    keyFile: config.store.keyFile ?? undefined,
  });
  try {
    return await assemble(store, config, logger, overrides);
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function assemble(
  store: AsyncStore,
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides,
): Promise<Services> {
  const now = overrides.now ?? Date.now;
  const clock = { now };
  const timers = overrides.timers ?? systemTimers;
  const upstreams = buildUpstreams(config, logger, overrides.adapter ?? buildAdapter(config, logger));
  const adapter: UpstreamAdapter = upstreams;
  // Built in dependency order; where two parts need each other, the later one subscribes to an
  // event of the earlier (account changes → the pool; 10811 strays → the reaper).
  const accounts = new AccountService({ store, adapter, logger, now, timers, upstreams });
  const pool = new AccountPool({
    store,
    logger: logger.child({ component: 'pool' }),
    clock,
    timers,
    options: poolOptions(config),
    relogin: (id, reason) => accounts.refresh(id, { forceLogin: reason === 'proactive' }),
  });
  const catalog = new ModelCatalog(() => pool.modelNames(), {
    defaultModel: config.openai.defaultModel,
    aliases: config.openai.modelAliases,
    // Bearer upstreams name their models `<upstream>/<model>` (collision-free: see config schema).
    ownerOf: (name) => {
      const head = name.slice(0, name.indexOf('/'));
      return head !== '' && upstreams.has(head) ? head : 'monkeycode';
    },
    // A look that fails (the database unreachable a moment) leaves the last read, as the watch does.
    recheck: () =>
      pool
        .checkForChanges()
        .catch((err: unknown) => logger.warn({ err }, 'could not look for account changes')),
  });
  const reaper = new TaskReaper({
    store,
    adapter,
    logger: logger.child({ component: 'reaper' }),
    deleteTasks: config.upstream.deleteTasks,
    ...(overrides.observer ? { observer: overrides.observer } : {}),
    relogin: (id) => pool.health.relogin(id, 'expired'),
  });
  pool.onStrays((id, keep) => void reaper.stopStrays(id, keep));
  accounts.onChange(async () => {
    await pool.invalidate();
    void reaper.retryPendingStops(); // a stop parked for a session may go now
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
  const operatorLogin = new OperatorLogin({
    flows,
    accounts,
    logger: logger.child({ component: 'operator-login' }),
    now,
  });
  const turnDeps: PooledTurnDeps = {
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
  const run = (plan: Parameters<typeof runPooledTurn>[1], signal: AbortSignal) =>
    runPooledTurn(turnDeps, plan, signal);
  const conversations = new ConversationService({
    runPooledTurn: run,
    bindings: { durable: durableBindings(store), memory: memoryBindings(MEMORY_BINDINGS, randomUUID) },
    idleTtlMs: config.conversations.idleTtlMs,
    warm: config.warm.size > 0,
    fitsFollowUp: (text) => adapter.fitsFollowUp(text),
    logger: logger.child({ component: 'conversations' }),
  });
  const warmModel = config.warm.model ?? config.openai.defaultModel;
  const warm = new WarmTasks({
    size: config.warm.size,
    model: () => (warmModel === null ? null : catalog.tryResolve(warmModel)),
    prompt: config.warm.bootstrapPrompt,
    maxIdleMs: config.warm.maxIdleMs,
    runPooledTurn: run,
    warmCount: (model) => pool.warmCount(model),
    timers,
    logger: logger.child({ component: 'warm' }),
  });
  pool.onSlotsChanged(() => warm.nudge());
  await pool.load();
  return {
    config,
    logger,
    store,
    adapter,
    upstreams,
    catalog,
    pool,
    reaper,
    accounts,
    operatorLogin,
    monitor,
    turnDeps,
    conversations,
    warm,
    now,
    close: () => store.close(),
  };
}
