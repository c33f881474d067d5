/**
 * LISTEN/NOTIFY: one dedicated connection per subscription receives what the schema's triggers
 * send — `relaypool_slots` (schema step 5) when any process frees or idles a slot, with the
 * account; `relaypool_data` (step 7) after every committed change to accounts or their models.
 */
import pg from 'pg';
import type { SlotFreedListener } from '../async-store.js';

/** Subscribe to `channel`; resolves once listening, to a function that stops it. */
async function listen(
  url: string,
  channel: string,
  onMessage: (payload: string | undefined) => void,
  onLost: () => void,
): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  client.on('notification', (message) => {
    if (message.channel === channel) onMessage(message.payload);
  });
  // A lost connection must not crash the process; the pool's watch loop still looks regularly.
  client.on('error', onLost);
  await client.connect();
  await client.query(`LISTEN ${channel}`);
  let stopped: Promise<void> | null = null;
  return () => (stopped ??= client.end());
}

/** Wake `listener` when a slot frees in any process (with its account). */
export function listenForFreedSlots(url: string, listener: SlotFreedListener): Promise<() => Promise<void>> {
  return listen(
    url,
    'relaypool_slots',
    (payload) => {
      const accountId = Number(payload);
      listener(Number.isSafeInteger(accountId) ? accountId : null);
    },
    () => listener(null),
  );
}

/** Call `listener` after every committed change to accounts or their models, by any process. */
export function listenForDataChanges(url: string, listener: () => void): Promise<() => Promise<void>> {
  return listen(url, 'relaypool_data', () => listener(), listener);
}
