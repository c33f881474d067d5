/**
 * LISTEN for freed slots: one dedicated connection per subscription receives the notifications
 * the `slot_leases_freed` trigger (schema step 4) sends when any process frees or idles a slot.
 */
import pg from 'pg';
import type { SlotFreedListener } from '../async-store.js';

const CHANNEL = 'relaypool_slots';

/** Subscribe `listener`; resolves once listening, to a function that stops it. */
export async function listenForFreedSlots(
  url: string,
  listener: SlotFreedListener,
): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  client.on('notification', (message) => {
    if (message.channel !== CHANNEL) return;
    const accountId = Number(message.payload);
    listener(Number.isSafeInteger(accountId) ? accountId : null);
  });
  // A lost connection must not crash the process; waiters fall back on their own timeouts.
  client.on('error', () => listener(null));
  await client.connect();
  await client.query(`LISTEN ${CHANNEL}`);
  let stopped: Promise<void> | null = null;
  return () => (stopped ??= client.end());
}
