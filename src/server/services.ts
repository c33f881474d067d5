import type { Config } from '../config/index.js';
import { AccountService } from '../pool/account-service.js';
import type { AccountSelector } from '../pool/lease.js';
import type { TurnRunnerDeps } from '../pool/run-turn.js';
import { ModelCatalog } from '../pool/model-catalog.js';
import { createSimpleSelector } from '../pool/simple-selector.js';
import { TaskReaper } from '../pool/task-reaper.js';
import { openStore, type Store } from '../store/index.js';
import { createMonkeyCodeAdapter } from '../upstream/monkeycode/index.js';
import type { UpstreamAdapter } from '../upstream/types.js';
import type { Logger } from '../util/logger.js';

/** Everything long-lived that the server and the CLI share, built in one place. */
export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  adapter: UpstreamAdapter;
  catalog: ModelCatalog;
  selector: AccountSelector;
  reaper: TaskReaper;
  accounts: AccountService;
  /** What `runStatelessTurn` needs. */
  turnDeps: TurnRunnerDeps;
  now: () => number;
  close(): void;
}

export interface ServiceOverrides {
  now?: () => number;
  adapter?: UpstreamAdapter;
}

/** Build the services for one process (composition root, design §2). */
export function buildServices(config: Config, logger: Logger, overrides: ServiceOverrides = {}): Services {
  const now = overrides.now ?? Date.now;
  const store = openStore({
    file: config.store.db,
    secretKey: config.store.secretKey ?? undefined,
    keyFile: config.store.keyFile ?? undefined,
  });
  const adapter =
    overrides.adapter ??
    createMonkeyCodeAdapter({
      baseUrl: config.upstream.url,
      logger: logger.child({ component: 'upstream' }),
      requestTimeoutMs: config.upstream.requestTimeoutMs,
      pollIntervalMs: config.upstream.pollIntervalMs,
      vmReadyTimeoutMs: config.upstream.vmReadyTimeoutMs,
      turnTimeoutMs: config.upstream.turnTimeoutMs,
      socketIdleTimeoutMs: config.upstream.socketIdleTimeoutMs,
      resource: config.upstream.resource,
    });
  const catalog = new ModelCatalog(store, { defaultModel: config.openai.defaultModel, aliases: config.openai.modelAliases });
  const selector = createSimpleSelector({ store, catalog, logger, defaultMaxConcurrency: config.pool.maxConcurrentPerAccount, now });
  const reaper = new TaskReaper({ store, adapter, logger: logger.child({ component: 'reaper' }), deleteTasks: config.upstream.deleteTasks });
  const accounts = new AccountService({ store, adapter, logger, now });
  const turnDeps: TurnRunnerDeps = {
    store,
    adapter,
    selector,
    catalog,
    reaper,
    logger,
    turnTimeoutMs: config.upstream.turnTimeoutMs,
    vmReadyTimeoutMs: config.upstream.vmReadyTimeoutMs,
    now,
  };
  return { config, logger, store, adapter, catalog, selector, reaper, accounts, turnDeps, now, close: () => store.close() };
}
