/** Public surface of the store. Import from here, not from the individual files. */
export { openStore, type Store, type StoreOptions } from './open-store.js';
export { ConflictError, SchemaVersionError, SecretKeyError, type ConflictField } from './errors.js';
export type { AccountsRepo } from './accounts-repo.js';
export {
  ACCOUNT_KINDS,
  ACCOUNT_STATES,
  type Account,
  type AccountKind,
  type AccountPatch,
  type AccountSecrets,
  type AccountState,
  type StoredAccountStatus,
  type CookieTimes,
  type NewAccount,
} from './account-types.js';
export type { ModelsRepo, CachedModel, CachedModelInput } from './models-repo.js';
export type { ModelCooldown } from './model-cooldowns.js';
export type { TaskFilter, TasksRepo } from './tasks-repo.js';
export {
  TASK_PURPOSES,
  TASK_STATES,
  type TaskPurpose,
  type TaskRecord,
  type TaskState,
} from './task-types.js';
export type {
  Conversation,
  ConversationPatch,
  ConversationsRepo,
  JsonValue,
  NewConversation,
} from './conversations-repo.js';
export type {
  UsageBucket,
  UsageEntry,
  UsageRange,
  UsageRepo,
  UsageSummary,
  UsageTotals,
} from './usage-repo.js';
export type { ResponsesRepo, StoredResponse } from './responses-repo.js';
export type { SlotCounts, SlotKind, SlotLease, SlotLeasesRepo } from './slot-leases-repo.js';
export type { Async, AsyncAccountsRepo, AsyncStore, StoreBackend } from './async-store.js';
export { openAsyncStore, type AsyncStoreOptions } from './open-async-store.js';
export { isPostgresUrl, describePostgresUrl } from './db-target.js';
export { keyFromSecret } from './secret-key.js';
export { SCHEMA_VERSION } from './migrations/index.js';
