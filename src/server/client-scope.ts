import type { Context } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Keyed hash of the client's API key (set by the client-auth middleware); null when /v1 is open. */
    clientKeyHash: string | null;
  }
}

/** The scope of this request's conversations and usage: its client key's hash, or null. */
export function clientScope(c: Context): string | null {
  return c.get('clientKeyHash') ?? null;
}
