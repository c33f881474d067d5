import type { Context } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Keyed hash of the client's API key (set by the client-auth middleware); null when /v1 is open. */
    clientKeyHash: string | null;
  }
}

/** The hash of this request's client key, which scopes its conversations, responses and usage; null when /v1 is open. */
export function clientKeyHash(c: Context): string | null {
  return c.get('clientKeyHash') ?? null;
}
