import { clientErrorFor } from '../../pool/client-error.js';
import type { UpstreamEvent } from '../../upstream/types.js';

/** Every event of a non-stream turn; an upstream failure is thrown as the client's error. */
export async function collectTurn(events: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const all: UpstreamEvent[] = [];
  for await (const event of events) {
    if (event.type === 'error') throw clientErrorFor(event.error);
    all.push(event);
  }
  return all;
}
