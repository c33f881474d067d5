import type { AsyncStore } from '../store/index.js';

/** Where a conversation continues: its kept task (row id in `tasks`) on one account. */
export interface Binding {
  /** Conversation id; the same across its turns. */
  id: string;
  taskRowId: number | null;
}

/** A binding to record: the conversation (`id` null: a new one) now continues at `key` on a task. */
export interface NewBinding {
  id: string | null;
  clientKeyHash: string | null;
  model: string;
  key: string;
  accountId: number;
  taskRowId: number;
}

/** Conversation bindings by (client key hash, continuation key). */
export interface BindingStore {
  find(clientKeyHash: string | null, key: string): Promise<Binding | null>;
  /** Record where the conversation continues; returns its id. */
  bind(binding: NewBinding): Promise<string>;
}

/** Bindings in SQLite (`conversations` table): they survive a restart. */
export function durableBindings(store: AsyncStore): BindingStore {
  return {
    async find(clientKeyHash, key) {
      const found = await store.conversations.findByPrefix(clientKeyHash, key);
      return found === null ? null : { id: found.id, taskRowId: found.taskId };
    },
    async bind(binding) {
      if (binding.id !== null) {
        const moved = await store.conversations.touch(binding.id, {
          prefixHash: binding.key,
          taskId: binding.taskRowId,
          state: 'idle',
        });
        if (moved !== null) return moved.id;
      }
      const created = await store.conversations.create({
        clientKeyHash: binding.clientKeyHash,
        model: binding.model,
        prefixHash: binding.key,
        accountId: binding.accountId,
        taskId: binding.taskRowId,
        state: 'idle',
      });
      return created.id;
    },
  };
}

/**
 * Bindings in memory only (for `conversations.reuseWhenStoreFalse`: such requests asked relaypool
 * to retain nothing, so nothing goes to disk). Bounded: the least recently bound go first.
 */
export function memoryBindings(limit: number, newId: () => string): BindingStore {
  const byKey = new Map<string, Binding>();
  const keyOf = new Map<string, string>();
  const slot = (keyHash: string | null, key: string): string => `${keyHash ?? ''}\u0000${key}`;
  const forget = (key: string): void => {
    const binding = byKey.get(key);
    byKey.delete(key);
    if (binding !== undefined) keyOf.delete(binding.id);
  };
  return {
    find(clientKeyHash, key) {
      return Promise.resolve(byKey.get(slot(clientKeyHash, key)) ?? null);
    },
    bind(binding) {
      const id = binding.id ?? newId();
      const previous = keyOf.get(id);
      if (previous !== undefined) forget(previous); // a conversation continues from one point only
      const key = slot(binding.clientKeyHash, binding.key);
      forget(key);
      byKey.set(key, { id, taskRowId: binding.taskRowId });
      keyOf.set(id, key);
      for (const oldest of byKey.keys()) {
        if (byKey.size <= limit) break;
        forget(oldest);
      }
      return Promise.resolve(id);
    },
  };
}
