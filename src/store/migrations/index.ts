/**
 * Every schema migration, oldest first. Entry i moves the database from `user_version` i to i + 1.
 * To change the schema, append one entry (never edit or reorder a shipped one):
 *   `export const migrations = [initialSchema, addSomething] as const;`
 */
import type { Migration } from '../migrate.js';
import { initialSchema } from './001-initial-schema.js';
import { poolState } from './002-pool-state.js';
import { responsesTable } from './003-responses.js';
import { accountUpstream } from './004-account-upstream.js';
import { sharedSlots } from './005-shared-slots.js';
import { slotWants } from './006-slot-wants.js';

/** The ordered migration list; its length is the schema version this code writes. */
export const migrations: readonly Migration[] = [
  initialSchema,
  poolState,
  responsesTable,
  accountUpstream,
  sharedSlots,
  slotWants,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations.length;
